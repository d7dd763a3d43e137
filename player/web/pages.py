"""Rendered pieces kept by the worker (see player.store.keeping for what is kept and why)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, g, request

from player.store.keeping import Memory, Region
from player.web.i18n import current_lang

T = TypeVar("T")


def memory() -> Memory:
    return current_app.extensions["coursepack_memory"]


def kept(region: Region, source: object, build: Callable[[], T], **parts: Hashable) -> T:
    """A rendered piece built once per key, interface language and script root, and kept while
    `source` (what it was rendered from) is the same object. Built on every request while
    templates reload (development), so edits show at once."""
    found = g.get("kept")
    if found is None:  # looked up once a request: a quiz step keeps several pieces
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        found = g.kept = (None if app.jinja_env.auto_reload else app.extensions["coursepack_memory"],
                          current_lang(), request.script_root)
    kept_in, lang, root = found
    if kept_in is None:
        return build()
    return kept_in.get(region, source, build, **parts, lang=lang, root=root)


def init_app(app: Flask, memory: Memory) -> None:
    app.extensions["coursepack_memory"] = memory
