"""The app's content store: the courses it serves, loaded when the app starts (see
`player.store.content.ContentStore`), and the lookup every view uses."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from player.store.content import ContentStore


def store() -> ContentStore:
    return current_app.extensions["coursepack_content"]


def init_app(app: Flask) -> None:
    kept = app.config.get("CONTENT_KEPT")
    content = ContentStore(Path(app.config["COURSES_DIR"]).resolve(), reload=app.config["CONTENT_RELOAD"],
                           memory=app.extensions["coursepack_memory"],  # see player.web.pages.init_app
                           kept=Path(kept) if kept else None)
    content.refresh(force=True)
    app.extensions["coursepack_content"] = content
