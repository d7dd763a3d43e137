"""The database: one engine per app, a session per request, and SQLite set up for concurrency.

SQLite runs in WAL mode with a busy timeout, and write transactions start with BEGIN IMMEDIATE
so they take the write lock up front instead of failing half-way when two writers meet.
PostgreSQL needs none of this; the same code runs on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session

_IMMEDIATE = "coursepack_immediate"


class Base(DeclarativeBase):
    pass


def make_engine(url: str) -> Engine:
    """An engine with the per-dialect settings coursepack relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # noqa: ANN001
    immediate = connection.get_execution_options().get(_IMMEDIATE)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    app.extensions["coursepack_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["coursepack_engine"]


def connection() -> Connection:
    """The request's connection for reads. Pages read on every request (the visitor, progress)
    run Core statements here: a Session's bookkeeping costs more than those queries."""
    if "db_connection" not in g:
        g.db_connection = engine().connect()
    return g.db_connection


def session() -> Session:
    """The request's ORM session for reads, on the request's connection."""
    if "db_session" not in g:
        g.db_session = Session(connection(), expire_on_commit=False)
    return g.db_session


@contextmanager
def writing(bind: Engine | None = None) -> Iterator[Session]:
    """A write transaction that takes SQLite's write lock at BEGIN; commits or rolls back whole."""
    with Session(bind or engine(), expire_on_commit=False) as write:
        write.connection(execution_options={_IMMEDIATE: True})
        try:
            yield write
            write.commit()
        except BaseException:
            write.rollback()
            raise


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
    db_connection = g.pop("db_connection", None)
    if db_connection is not None:
        db_connection.close()
