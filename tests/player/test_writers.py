"""Writers to one SQLite file take turns before they reach SQLite (player.store.database._Turns):
a writer that arrives while another holds a write transaction sends no BEGIN until that one
ends, whether it is a thread of the same process or another process (as gunicorn's workers
are, forked from one parent). SQLite's own lock stays the guard; the queue only decides who
goes next, so no writer sleeps in SQLite's busy handler while the lock is free."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from player.store import database
from player.store.database import make_engine, writing


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE log (who TEXT)"))
    engine.dispose()  # no SQLite connection open across a fork
    return engine


def _on_begin(engine: Engine, call: Any) -> None:
    """`call()` when a connection of `engine` is about to send BEGIN to SQLite."""
    def before(_connection, _cursor, statement: str, *_args: Any) -> None:  # noqa: ANN001
        if statement.startswith("BEGIN"):
            call()
    event.listen(engine, "before_cursor_execute", before)


def _log(engine: Engine, who: str) -> None:
    with writing(engine) as write:
        write.execute(text("INSERT INTO log VALUES (:who)"), {"who": who})


def _logged(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT who FROM log")).scalars())


def test_a_second_thread_waits_for_its_turn_before_it_begins(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    began: list[str] = []
    _on_begin(engine, lambda: began.append(threading.current_thread().name))
    second = threading.Thread(target=_log, args=(engine, "second"), name="second")
    with writing(engine) as write:
        write.execute(text("INSERT INTO log VALUES ('first')"))
        second.start()
        second.join(0.5)
        assert second.is_alive() and began == [threading.current_thread().name]  # queued before SQLite
    second.join(10)
    assert began[1:] == ["second"] and _logged(engine) == ["first", "second"]


def _child(url: str, go: Any, reached: Any) -> None:
    engine = make_engine(url)
    _on_begin(engine, reached.set)
    go.wait(10)
    _log(engine, "child")


def test_another_process_waits_for_its_turn_too(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    database._turn(engine)  # the parent's queue exists before the fork: the child must open its own
    context = multiprocessing.get_context("fork")  # as gunicorn makes its workers
    go, reached = context.Event(), context.Event()
    child = context.Process(target=_child, args=(str(engine.url), go, reached))
    child.start()
    with writing(engine) as write:
        write.execute(text("INSERT INTO log VALUES ('parent')"))
        go.set()
        assert not reached.wait(0.5)  # the child waits its turn, not in SQLite's busy handler
    assert reached.wait(10)
    child.join(10)
    assert child.exitcode == 0 and _logged(engine) == ["parent", "child"]


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds names, emails and answers; SQLite gives its -wal and -shm the same mode."""
    from player.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        modes = {path.name: oct(path.stat().st_mode & 0o777) for path in tmp_path.iterdir() if path.name.startswith("new.db")}
    engine.dispose()
    assert modes["new.db"] == "0o600" and set(modes.values()) == {"0o600"}, modes
