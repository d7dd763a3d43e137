"""The Flask app for the commands that need one (the database, the settings)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask


def make_app(database: str | None = None, courses: Path | None = None) -> Flask:
    """The app from the environment and the options given; settings errors become a clean message."""
    from player import create_app
    from player.web.config import ConfigError

    overrides: dict[str, object] = {}
    if database:
        overrides["DATABASE_URL"] = database
    if courses:
        overrides["COURSES_DIR"] = courses
    try:
        return create_app(overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
