"""The Flask app for the commands that need one (the database, the settings), and what `serve`
checks before it says it is serving: the database's schema and the port."""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy import Engine, make_url


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


def settings(database: str | None) -> dict[str, Any]:
    """The settings from the environment and --database, without building the app: administering
    the database needs neither a cookie secret nor the content."""
    from player.web.config import from_environment

    instance = Path(Flask("player", instance_relative_config=True).instance_path)  # where create_app() keeps it
    instance.mkdir(parents=True, exist_ok=True)
    found = from_environment(instance)
    if database:
        found["DATABASE_URL"] = database
    return found


def database_engine(database: str | None, *, upgraded: bool = True) -> Engine:
    """The engine of the database the settings name, refused with one line when it cannot be
    reached; with `upgraded`, brought up to date or refused (`require_schema`)."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from player.store.database import make_engine

    found = settings(database)
    try:
        engine = make_engine(found["DATABASE_URL"])
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise click.ClickException(f"{found['DATABASE_URL']!r} is not a database URL coursepack can use: give "
                                   "sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE") from exc
    reachable(engine)
    if upgraded:
        require_schema(engine, found["DEVELOPMENT"], database)
    return engine


@contextmanager
def opened(database: str | None, *, upgraded: bool = True) -> Iterator[Engine]:
    """`database_engine` for one command: its connections are closed on the way out, whatever happens."""
    engine = database_engine(database, upgraded=upgraded)
    try:
        yield engine
    finally:
        engine.dispose()


def reachable(engine: Engine) -> None:
    """Connect once, so that a database that cannot be reached is one line saying why, not a
    traceback (and an SQLite file is not made in a folder that does not exist)."""
    from sqlalchemy.exc import DBAPIError

    shown = engine.url.render_as_string(hide_password=True)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        folder = Path(engine.url.database).parent
        if not folder.is_dir():
            raise click.ClickException(f"cannot open the database at {shown}: the folder {folder} does not exist; create it or "
                                       "give another --database")
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise click.ClickException(f"cannot reach the database at {shown}: {reason}") from None


def require_schema(engine: Engine, development: bool, database: str | None) -> None:
    """Refuse a database that lacks the newest schema, naming the command that upgrades it, or in
    development upgrade it: an old schema answers reads and then fails on the first write."""
    from player.store.migrate import pending, upgrade

    refuse_newer(engine)
    if not pending(engine):
        return
    shown = engine.url.render_as_string(hide_password=True)
    if development:
        upgrade(engine)
        click.echo(f"upgraded the database at {shown} to the newest schema (development)", err=True)
        return
    raise click.ClickException(f"the database at {shown} has not been upgraded to this release's schema; "
                               f"run `{upgrade_command(database)}` first")


def refuse_newer(engine: Engine) -> None:
    """A database a newer release has upgraded: this release cannot serve or upgrade it."""
    from player.store.migrate import unknown_revision

    if revision := unknown_revision(engine):
        raise click.ClickException(f"the database at {engine.url.render_as_string(hide_password=True)} was upgraded by a newer "
                                   f"release of coursepack (schema revision {revision}); run that release, or restore the "
                                   "backup taken before the upgrade (docs/administration.md)")


def read_password(given: str | None) -> str:
    """A new account's password: as given, else asked twice (hidden) on a terminal, else the
    first line of standard input, so that `echo PW | coursepack user create ...` works."""
    if given is not None:
        return given
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


def upgrade_command(database: str | None) -> str:
    """The `db upgrade` command for the same database the user named (its password hidden)."""
    if not database:
        return "coursepack db upgrade"
    return f"coursepack db upgrade --database '{make_url(database).render_as_string(hide_password=True)}'"


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or a message saying why not and how to pick another port."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        server = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    try:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait for TIME_WAIT
        server.bind(address)
        server.listen(128)
    except OSError as exc:
        server.close()
        raise click.ClickException(_bind_problem(host, port, exc)) from exc
    return server


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use by another program: stop it, or choose another port "
                f"with `coursepack serve --port {port + 1}` (or `make run PORT={port + 1}`)")
    if exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights: choose a port above 1023 with --port (e.g. --port 8080)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
