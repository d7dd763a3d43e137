"""Deny by default: every endpoint declares who may use it, and a request hook enforces it.

A view without a declared policy answers 404 to everyone, so a new route cannot go out open by
accident; tests walk the URL map to check every endpoint has a policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for

from player.web.auth import current_user

F = TypeVar("F", bound=Callable)
POLICIES = ("public", "guest", "user", "trainer", "admin")
_STAFF = {"trainer": ("trainer", "admin"), "admin": ("admin",)}


def allow(policy: str) -> Callable[[F], F]:
    """Declare who may call a view: public, guest (anyone, progress kept), user, trainer, admin."""
    if policy not in POLICIES:
        raise ValueError(f"unknown access policy {policy!r}")

    def mark(view: F) -> F:
        view.access_policy = policy  # type: ignore[attr-defined]
        return view

    return mark


def policy_of(endpoint: str | None) -> str | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access_policy", None) if view else None


def may(policy: str) -> bool:
    """Whether the current visitor passes a staff policy (trainer, admin): for a link to show."""
    user = current_user()
    return user is not None and not user.is_guest and user.role in _STAFF[policy]


def _enforce() -> object:
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404 itself
    policy = policy_of(request.endpoint)
    if policy is None:
        abort(404)
    if policy in ("public", "guest"):
        return None
    user = current_user()
    if user is None or user.is_guest:
        return redirect(url_for("account.signin", next=request.full_path))
    if policy in _STAFF and not may(policy):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_enforce)
    allow("public")(app.view_functions["static"])
