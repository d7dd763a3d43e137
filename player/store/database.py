"""The database: engines set up for concurrency, the models' base, hot reads and writes, write transactions.

No requests here: `player.web.db` holds the app's engine and a request's session and reader.
SQLite runs in WAL mode with a busy timeout, and write transactions start with BEGIN IMMEDIATE
so they take the write lock up front instead of failing half-way when two writers meet; writers
queue for their turn before that (`_Turns`), so none sleeps in SQLite's busy wait once the lock is free.
PostgreSQL needs none of this; the same code runs on both. On PostgreSQL every round trip costs
the server's CPU on the same small machine, so a pooled connection is pinged only when it has sat
idle (`PING_AFTER_IDLE`), and the per-request reader runs in autocommit (no BEGIN, no ROLLBACK).
"""

from __future__ import annotations

import os
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from itertools import chain
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import Connection, Dialect, Engine, Executable, bindparam, create_engine, event, exc, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

_IMMEDIATE = "coursepack_immediate"
_CONNECTION = "coursepack_connection"
_IDLE_SINCE = "coursepack_idle_since"
PING_AFTER_IDLE = 10.0
"""Seconds a pooled PostgreSQL connection may sit unused before its next checkout pings it: a
connection in steady use has just proved itself alive, one left idle may have been cut (a server
restart, a firewall's idle timeout) and is replaced before a request sees it."""


class Base(DeclarativeBase):
    pass


def make_engine(url: str) -> Engine:
    """An engine with the per-dialect settings coursepack relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _private_file(engine.url.database)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url)
    event.listen(engine, "connect", _stamp_idle)
    event.listen(engine, "checkin", _stamp_idle)
    event.listen(engine, "checkout", _ping_when_idle(engine.dialect))
    return engine


def _private_file(database: str | None) -> None:
    """A new SQLite database is made readable by its owner only: it holds names, emails and
    answers. SQLite gives its -wal and -shm files the same mode. An existing file is left as the
    administrator set it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir() and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _stamp_idle(_dbapi_connection, record) -> None:  # noqa: ANN001 - DBAPI types
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _ping_when_idle(dialect: Dialect) -> Callable[..., None]:
    """SQLAlchemy's pessimistic disconnect handling (what `pool_pre_ping` does on every checkout),
    only for a connection idle longer than `PING_AFTER_IDLE`: a dead one raises
    `DisconnectionError`, and the pool replaces it and retries."""
    def ping(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001 - DBAPI types
        if time.monotonic() - record.info.get(_IDLE_SINCE, 0.0) <= PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error
            raise
    return ping


def _sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # a deleted row's bytes are overwritten, not left in free space
    cursor.close()


def _sqlite_begin(connection) -> None:  # noqa: ANN001
    """BEGIN, or BEGIN IMMEDIATE for a write transaction, on the driver's cursor (as `Write` runs
    its statements: SQLAlchemy's execution path costs more than the BEGIN)."""
    sql = "BEGIN IMMEDIATE" if connection.get_execution_options().get(_IMMEDIATE) else "BEGIN"
    cursor = connection.connection.cursor()
    try:
        _announce(connection, cursor, sql, (), many=False)
        cursor.execute(sql)
    finally:
        cursor.close()


def scrub(engine: Engine) -> bool:
    """After an erasure: leave no copy of what was deleted in the database's files. SQLite
    overwrites deleted rows (secure_delete, set on every connection), but the write-ahead log
    still holds the pages as they were until a checkpoint copies them back; TRUNCATE then
    empties the log. It waits (busy timeout) for readers of older snapshots to finish, so the
    caller must not hold one itself. False when a reader outlasted the wait (the log is emptied
    at a later checkpoint). PostgreSQL keeps dead rows until its autovacuum (docs/trainers.md)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]  # type: ignore[index]
    return not busy


class Read:
    """A read statement that pages run on every request (the visitor, progress), run straight on
    the driver's connection.

    SQLAlchemy builds the SQL: the statement is compiled once per dialect, with each parameter's
    and column's type conversions, so rows come back as they would from SQLAlchemy (dates as
    datetimes, booleans as bools), as named tuples. What is skipped is SQLAlchemy's execution
    machinery, which costs several times the query itself on a learner's few rows. Inside a
    write transaction the same statement runs on the session's connection (see `rows`).
    """

    def __init__(self, statement: Executable, row: type[tuple] | None = None) -> None:
        """`row`: a NamedTuple class for the rows, its fields in the statement's column order."""
        self.statement = statement
        columns = [c.key for c in statement.exported_columns]  # type: ignore[attr-defined]
        if row is not None and len(row._fields) != len(columns):  # type: ignore[attr-defined]
            raise ValueError(f"{row.__name__} has fields {row._fields}, the statement has columns {columns}")  # type: ignore[attr-defined]
        self.row = row or namedtuple("Row", columns, rename=True)  # type: ignore[misc]
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, source: Session | Reader, params: Mapping[str, Any]) -> list[Any]:
        """The rows for `params`: on the request's reader, or in a session's transaction (after a
        flush, so a write transaction's pending rows count)."""
        if isinstance(source, Reader):
            return source.rows(self, params)
        connection = _in_transaction(source)
        return _fetch(self, connection.dialect, connection.connection.cursor(), params, connection)

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return found


class Write(Read):
    """A write that every submission makes (claim, attempt, answers, progress), run the same way
    on the write transaction's connection: its RETURNING rows with `rows`, or `run` for one set
    of parameters or many (the driver's executemany: one round trip on PostgreSQL)."""

    def run(self, write: Session, params: Mapping[str, Any] | list[Mapping[str, Any]]) -> None:
        connection = _in_transaction(write)
        compiled = self.compiled(connection.dialect)
        cursor = connection.connection.cursor()
        try:
            if isinstance(params, list):
                _run_each(connection, cursor, compiled.sql, [compiled.parameters(one) for one in params])
            else:
                _announce(connection, cursor, compiled.sql, params, many=False)
                cursor.execute(compiled.sql, compiled.parameters(params))
        finally:
            cursor.close()


class Append(Write):
    """An INSERT of whole rows (answers, a batch's claims and attempts): a list of rows goes as
    multi-row INSERTs of up to `rows_per` rows each, so the server parses and runs one statement
    where the driver's executemany of the one-row INSERT would run it once per row (on
    PostgreSQL, a bind and an execute each). `run`: whole groups in one executemany, the rest in
    one more statement. `returned`: each group its own statement, and the rows of its RETURNING.
    `skip_conflicts`: ON CONFLICT (those columns) DO NOTHING. The SQL is compiled once per row
    count, at most `rows_per` forms of it per database."""

    PARAMETERS = 50
    """The most parameters in one statement: psycopg parses a statement's placeholders once and
    keeps the result only for statements of up to 50 parameters (and 4 KB); beyond, it parses
    the whole text again on every call."""

    def __init__(self, table: Any, *names: str, returning: tuple[Any, ...] = (), skip_conflicts: tuple[str, ...] = ()) -> None:
        self.table, self.names, self.returning, self.skip_conflicts = table, names, returning, skip_conflicts
        super().__init__(self._statement(insert, [{name: bindparam(name) for name in names}], conflicts=False))  # its types
        self.rows_per = max(1, self.PARAMETERS // len(names))
        self._types = {name: self.statement.table.c[name].type for name in names}  # type: ignore[attr-defined]
        self._counted: dict[tuple[str, int], _Compiled] = {}

    def _statement(self, make: Callable[[Any], Any], rows: list[dict[str, Any]], *, conflicts: bool = True) -> Any:
        statement = make(self.table).values(rows)
        if self.skip_conflicts and conflicts:
            statement = statement.on_conflict_do_nothing(index_elements=list(self.skip_conflicts))
        return statement.returning(*self.returning) if self.returning else statement

    def run(self, write: Session, params: Mapping[str, Any] | list[Mapping[str, Any]]) -> None:
        connection = _in_transaction(write)
        rows = self._converted(self.compiled(connection.dialect), params if isinstance(params, list) else [params])
        whole = len(rows) - len(rows) % self.rows_per
        cursor = connection.connection.cursor()
        try:
            if whole:
                compiled = self._compiled_for(connection.dialect, self.rows_per)
                groups = [self._laid_out(compiled, rows[start:start + self.rows_per]) for start in range(0, whole, self.rows_per)]
                _run_each(connection, cursor, compiled.sql, groups)
            if whole < len(rows):
                compiled = self._compiled_for(connection.dialect, len(rows) - whole)
                group = self._laid_out(compiled, rows[whole:])
                _announce(connection, cursor, compiled.sql, group, many=False)
                cursor.execute(compiled.sql, group)
        finally:
            cursor.close()

    def returned(self, write: Session, params: list[Mapping[str, Any]]) -> list[Any]:
        """The rows of the statements' RETURNING, as named tuples (in no promised order)."""
        connection = _in_transaction(write)
        rows = self._converted(self.compiled(connection.dialect), params)
        found: list[Any] = []
        for start in range(0, len(rows), self.rows_per):
            compiled = self._compiled_for(connection.dialect, len(rows[start:start + self.rows_per]))
            group = self._laid_out(compiled, rows[start:start + self.rows_per])
            cursor = connection.connection.cursor()
            try:
                _announce(connection, cursor, compiled.sql, group, many=False)
                cursor.execute(compiled.sql, group)
                got = cursor.fetchall()
                found += compiled.converted(self.row, got, compiled.conversions(cursor))
            finally:
                cursor.close()
        return found

    def _converted(self, single: _Compiled, rows: list[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """Each row's values in column order, converted for the database (a JSON column to text,
        a timestamp to SQLite's text, None too: JSON may write it as null), column by column; a
        value the rows share (their timestamp) is converted once."""
        columns = []
        for name in self.names:
            values = [row[name] for row in rows]
            process = single.binds.get(name)
            if process is not None:
                done: dict[int, Any] = {}  # by identity: the rows hold every value, so no id is reused meanwhile
                values = [done[id(v)] if id(v) in done else done.setdefault(id(v), process(v)) for v in values]
            columns.append(values)
        return list(zip(*columns))

    def _laid_out(self, compiled: _Compiled, rows: list[tuple[Any, ...]]) -> tuple[Any, ...] | dict[str, Any]:
        """Converted rows as the statement of their count takes them: SQLite's positional
        parameters row after row, or PostgreSQL's named ones."""
        if compiled.names is not None:
            return tuple(chain.from_iterable(rows))
        return {f"{name}__{i}": value for i, row in enumerate(rows) for name, value in zip(self.names, row)}

    def _compiled_for(self, dialect: Dialect, count: int) -> _Compiled:
        found = self._counted.get((dialect.name, count))
        if found is None:
            # typed, so that the SQL casts each parameter as its column (PostgreSQL); the values
            # come converted already (`_converted`)
            rows = [{name: bindparam(f"{name}__{i}", type_=self._types[name]) for name in self.names} for i in range(count)]
            make = postgresql.insert if dialect.name == "postgresql" else sqlite.insert  # each spells ON CONFLICT itself
            found = self._counted[(dialect.name, count)] = _Compiled(self._statement(make, rows), dialect)
        return found


def _in_transaction(write: Session) -> Connection:
    """The session's connection, its transaction begun and its pending objects flushed first
    (`writing` keeps the connection at hand: asking the session costs more than most statements)."""
    write.flush()
    return write.info.get(_CONNECTION) or write.connection()


def _announce(connection: Connection, cursor: Any, sql: str, params: Any, *, many: bool) -> None:
    """Tell the engine's `before_cursor_execute` listeners, as SQLAlchemy's own execution would
    (without an execution context): what counts statements still sees these."""
    for listener in connection.dispatch.before_cursor_execute:
        listener(connection, cursor, sql, params, None, many)


def _run_each(connection: Connection, cursor: Any, sql: str, params: list[Any]) -> None:
    """Run `sql` once for each set of parameters: one set as a plain execute (psycopg runs an
    executemany in pipeline mode, whose synchronisation costs more than one statement), more
    as the driver's executemany."""
    if len(params) == 1:
        _announce(connection, cursor, sql, params[0], many=False)
        cursor.execute(sql, params[0])
    else:
        _announce(connection, cursor, sql, params, many=True)
        cursor.executemany(sql, params)


def _fetch(read: Read, dialect: Dialect, cursor: Any, params: Mapping[str, Any], connection: Connection | None = None) -> list[Any]:
    """Run `read` on a driver's cursor (closed after); `connection`: the SQLAlchemy connection
    whose listeners hear of it (none for the request's reader)."""
    compiled = read.compiled(dialect)
    try:
        if connection is not None:
            _announce(connection, cursor, compiled.sql, params, many=False)
        cursor.execute(compiled.sql, compiled.parameters(params))
        found = cursor.fetchall()
        conversions = compiled.conversions(cursor)
    finally:
        cursor.close()
    return compiled.converted(read.row, found, conversions)


class _Compiled:
    """A statement's SQL for one dialect, how to lay out its parameters, and (after its first
    run, as they may depend on the types the driver reports) its columns' result conversions."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a Read cannot take an expanding IN parameter: its SQL must not change per call")
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.fixed = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        self.binds: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.binds[name] = process
        self._layout = tuple((name, self.binds.get(name)) for name in self.names or ())
        self._types = [c.type.dialect_impl(dialect) for c in statement.exported_columns]  # type: ignore[attr-defined]
        self._dialect = dialect
        self.results: tuple[Callable[[Any], Any] | None, ...] | None = None

    def parameters(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = {**self.fixed, **params} if self.fixed else params
        if self.names is not None:  # SQLite's qmark: in the SQL's order, each converted on the way
            return tuple(values[name] if process is None else process(values[name]) for name, process in self._layout)
        if self.binds:
            return {k: self.binds[k](v) if k in self.binds else v for k, v in values.items()}
        return dict(values)

    def conversions(self, cursor: Any) -> tuple[Callable[[Any], Any] | None, ...]:
        """Each column's result conversion, from the types in the cursor's description the first
        time (psycopg builds that description afresh each time it is asked)."""
        if self.results is None:
            self.results = tuple(kind.result_processor(self._dialect, column[1])
                                 for kind, column in zip(self._types, cursor.description or (), strict=True))
        return self.results

    @staticmethod
    def converted(row: Any, found: list[Any], conversions: tuple[Callable[[Any], Any] | None, ...]) -> list[Any]:
        if any(conversions):
            return [row(*[convert(v) if convert else v for convert, v in zip(conversions, values)]) for values in found]
        return [row._make(values) for values in found]


class Reader:
    """The request's connection for the reads of `Read` statements: a pooled driver connection
    (SQLite: in the driver's default mode, each statement reads the latest commit; PostgreSQL: in
    autocommit, each statement its own snapshot as under READ COMMITTED anyway, and no BEGIN or
    ROLLBACK round trips to the server)."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect
        self._connection = engine.raw_connection()
        self._autocommit = self.dialect.name == "postgresql"
        if self._autocommit:
            self._connection.driver_connection.autocommit = True

    def rows(self, read: Read, params: Mapping[str, Any]) -> list[Any]:
        return _fetch(read, self.dialect, self._connection.cursor(), params)

    def close(self) -> None:
        """Back to the pool as the ORM expects it (out of autocommit)."""
        driver = self._connection.driver_connection
        if self._autocommit and not driver.closed:
            with suppress(self.dialect.loaded_dbapi.Error):  # a broken connection: the pool's reset discards it
                driver.autocommit = False
        self._connection.close()


@contextmanager
def writing(bind: Engine) -> Iterator[Session]:
    """A write transaction that takes SQLite's write lock at BEGIN; commits or rolls back whole.

    The transaction is the connection's, begun here; the ORM session joins it (for the few rows
    written as objects, a new guest) and never commits it itself. Asking a session for its
    connection and committing through it cost more than a submission's statements."""
    with _turn(bind), bind.connect() as connection:
        transaction = connection.execution_options(**{_IMMEDIATE: True}).begin()
        with Session(connection, expire_on_commit=False, join_transaction_mode="rollback_only") as write:
            write.info[_CONNECTION] = connection
            try:
                yield write
                write.flush()
                transaction.commit()
            except BaseException:
                if transaction.is_active:  # a failed flush has rolled it back already
                    transaction.rollback()
                raise


class _Turns:
    """Writers to one SQLite file, queued by the kernel (SQLite's own lock stays the guard).

    Without it a writer that finds the file locked sleeps in SQLite's busy handler, 1, 2, 5, then
    10 ms, while the write it waits for takes well under one: with two workers on two cores,
    much of the second worker's time went to sleep. A blocking `flock` on `<database>-writers`
    wakes the next writer the moment the last one lets go. Each process opens the file itself
    (a descriptor inherited across a fork would be one lock for both); threads of a process
    queue on a lock of their own first. A transaction opened inside another on the same thread
    waits for SQLite's lock as before (its busy timeout), never for itself here."""

    def __init__(self, path: str) -> None:
        self.descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.threads = threading.RLock()
        self.depth = 0  # how deep the thread holding `threads` is in writing()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.threads:
            if self.depth == 0:
                fcntl.flock(self.descriptor, fcntl.LOCK_EX)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0:
                    fcntl.flock(self.descriptor, fcntl.LOCK_UN)


_TURNS: dict[str, _Turns] = {}
_TURNS_MADE = threading.Lock()
if fcntl is not None:
    os.register_at_fork(after_in_child=_TURNS.clear)  # a child opens its own descriptors


def _turn(bind: Engine) -> Any:
    """The writers' queue of a SQLite file; nothing for PostgreSQL (row locks wake at once) or
    an in-memory database."""
    path = bind.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:") or fcntl is None:
        return nullcontext()
    turns = _TURNS.get(path)
    if turns is None:
        with _TURNS_MADE:
            turns = _TURNS.get(path) or _TURNS.setdefault(path, _Turns(path + "-writers"))
    return turns()
