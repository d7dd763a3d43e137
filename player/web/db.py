"""The request's database: the app's engine, and a session and a reader per request.

The engine, the `Read` statements and write transactions are the store's (`player.store.database`);
this module ties them to Flask's app and request, and closes what a request opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from player.domain import events
from player.store import database
from player.store.database import Reader


def init_app(app: Flask) -> None:
    app.extensions["coursepack_engine"] = database.make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["coursepack_engine"]


def session() -> Session:
    """The request's ORM session for reads (pages that read on every request use `reader`)."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def reader() -> Reader:
    """The request's reader for `Read` statements, opened on first use."""
    found = g.get("db_reader")
    if found is None:
        found = g.db_reader = Reader(engine())
    return found


@contextmanager
def writing() -> Iterator[Session]:
    """A write transaction on the app's database (see `player.store.database.writing`), carrying
    the deployment's listeners to what it records (`player.domain.events`)."""
    with database.writing(engine()) as write:
        write.info[events.SETTINGS] = current_app.config["EVENTS"]
        yield write


def scrub() -> None:
    """After an erasure, empty SQLite's write-ahead log (`player.store.database.scrub`): this
    request's own reads end first, as the checkpoint waits for every reader."""
    _close_session(None)
    if not database.scrub(engine()):
        current_app.logger.warning("SQLite's write-ahead log could not be emptied after an erasure: a reader held it")


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
    db_reader = g.pop("db_reader", None)
    if db_reader is not None:
        db_reader.close()
