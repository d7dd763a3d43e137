"""db.Read: the hot reads run on the driver's connection give the rows SQLAlchemy would."""

from __future__ import annotations

import os
from datetime import datetime
from typing import NamedTuple

import pytest
from flask import Flask
from sqlalchemy import bindparam, create_engine, event, exc, func, insert, literal, select, text, union_all

from player import create_app
from player.store import database
from player.store.database import Read
from player.store.models import Answer, Attempt, Submission, User
from player.web import db

_ATTEMPT = select(Attempt.id, Attempt.submitted_at, Attempt.percent, Attempt.passed).where(
    Attempt.user_id == bindparam("user_id")).order_by(Attempt.number)


def _learner_with_attempts(app: Flask) -> int:
    with app.app_context(), db.writing() as write:
        user = User(email="reader@example.org", name="Reader")
        write.add(user)
        write.flush()
        submitted = Attempt(user_id=user.id, course_id="c", block_id="b", quiz_id="q", block_version=1, number=1,
                            seed=1, percent=62.5, passed=False)
        write.add_all([submitted, Attempt(user_id=user.id, course_id="c", block_id="b", quiz_id="q", block_version=1,
                                          number=2, seed=2)])
        write.flush()
        submitted.submitted_at = submitted.started_at
        write.add(Answer(attempt_id=submitted.id, question_id="q1", response={"choice": [1, 2]}, points=0.5, max_points=1))
        return user.id


def test_rows_are_converted_as_sqlalchemy_converts_them(app: Flask) -> None:
    user_id = _learner_with_attempts(app)
    read = Read(_ATTEMPT)
    with app.test_request_context():
        fast = read.rows(db.reader(), {"user_id": user_id})
        slow = [tuple(row) for row in db.session().execute(_ATTEMPT, {"user_id": user_id})]
    assert [tuple(row) for row in fast] == slow
    first, second = fast
    assert first.submitted_at is not None and first.submitted_at.year >= 2026  # a datetime, not the stored text
    assert first.passed is False and first.percent == 62.5
    assert second.submitted_at is None and second.passed is None


def test_json_columns_and_named_rows(app: Flask) -> None:
    class Given(NamedTuple):
        question_id: str
        response: dict
        points: float

    user_id = _learner_with_attempts(app)
    statement = select(Answer.question_id, Answer.response, Answer.points).join(Attempt).where(
        Attempt.user_id == bindparam("user_id"))
    with app.test_request_context():
        (row,) = Read(statement, Given).rows(db.reader(), {"user_id": user_id})
        with db.writing() as write:  # inside a write transaction the same Read runs through the session
            (in_write,) = Read(statement, Given).rows(write, {"user_id": user_id})
    assert row == Given("q1", {"choice": [1, 2]}, 0.5) == in_write
    assert isinstance(row, Given)


def test_fixed_values_and_repeated_parameters(app: Flask) -> None:
    user_id = _learner_with_attempts(app)
    statement = union_all(
        select(literal("open").label("kind"), Attempt.number).where(Attempt.user_id == bindparam("user_id"),
                                                                    Attempt.submitted_at.is_(None)),
        select(literal("done").label("kind"), Attempt.number).where(Attempt.user_id == bindparam("user_id"),
                                                                    Attempt.submitted_at.is_not(None)),
    )
    with app.test_request_context():
        rows = Read(statement).rows(db.reader(), {"user_id": user_id})
    assert sorted((row.kind, row.number) for row in rows) == [("done", 1), ("open", 2)]


def test_a_read_refuses_what_it_cannot_run_unchanged(app: Flask) -> None:
    class Wrong(NamedTuple):
        id: int

    with pytest.raises(ValueError, match="has fields"):
        Read(_ATTEMPT, Wrong)
    expanding = Read(select(User.id).where(User.id.in_(bindparam("ids", expanding=True))))
    with app.test_request_context(), pytest.raises(ValueError, match="expanding"):
        expanding.rows(db.reader(), {"ids": [1]})


def test_the_reader_goes_back_to_the_pool_after_the_request(app: Flask) -> None:
    pool = app.extensions["coursepack_engine"].pool
    with app.test_request_context():
        db.reader()
        assert pool.checkedout() == 1
    assert pool.checkedout() == 0


def test_healthz_answers_only_when_the_database_does(app: Flask, app_config: dict, tmp_path) -> None:  # noqa: ANN001
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 200 and reply.json["status"] == "ok" and reply.json["courses"] >= 3
    broken = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False,
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"})
    assert broken.test_client().get("/healthz").status_code == 500


def _postgres_only(app: Flask) -> None:
    if db_engine(app).dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server round trips to save")


def db_engine(app: Flask):  # noqa: ANN201
    return app.extensions["coursepack_engine"]


def test_the_postgres_reader_opens_no_transaction(app: Flask) -> None:
    """No BEGIN before the reads and so no ROLLBACK when the connection goes back to the pool."""
    _postgres_only(app)
    user_id = _learner_with_attempts(app)
    with app.test_request_context():
        reader = db.reader()
        assert len(Read(_ATTEMPT).rows(reader, {"user_id": user_id})) == 2
        driver = reader._connection.driver_connection
        assert driver.info.transaction_status.name == "IDLE"
    assert driver.autocommit is False  # back in the pool as the ORM expects it
    with app.app_context(), db.writing() as write:  # the ORM's transactions still work on it
        write.add(User(email="after-reader@example.org"))
    with app.app_context():
        assert db.session().query(User).filter_by(email="after-reader@example.org").count() == 1


def test_a_busy_connection_is_not_pinged_and_an_idle_dead_one_is_replaced(app: Flask, monkeypatch) -> None:  # noqa: ANN001
    _postgres_only(app)
    engine = db_engine(app)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or real_ping(connection))
    for _ in range(3):
        assert app.test_client().get("/healthz").status_code == 200
    assert pings == []  # in steady use: no extra round trip per request
    with engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = create_engine(os.environ["COURSEPACK_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    admin.dispose()
    monkeypatch.setattr(database, "PING_AFTER_IDLE", -1.0)  # as if it had sat idle for long
    assert app.test_client().get("/healthz").status_code == 200  # the dead connection was replaced, not used
    assert len(pings) >= 1


def test_a_write_runs_in_the_transaction_and_its_listeners_hear_it(app: Flask) -> None:
    """db.Write: one row, many rows and RETURNING, all in the caller's transaction, each heard by
    the engine's `before_cursor_execute` listeners (what counts a submission's statements)."""
    user_id = _learner_with_attempts(app)
    new_attempt = database.Write(insert(Attempt).values(
        user_id=bindparam("user_id"), course_id=literal("c"), block_id=literal("b"), quiz_id=literal("w"),
        block_version=literal(1), number=bindparam("number"), seed=literal(7), started_at=bindparam("at"),
    ).returning(Attempt.id, Attempt.started_at))
    answer = database.Write(insert(Answer).values(
        attempt_id=bindparam("attempt_id"), question_id=bindparam("question_id"), response=bindparam("response"),
        points=literal(1.0), max_points=literal(1), created_at=bindparam("at")))
    heard: list[tuple[str, bool]] = []
    engine = db_engine(app)
    listen = lambda _c, _cur, sql, _p, _ctx, many: heard.append((sql.split()[0], many))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    at = datetime(2026, 12, 6, 1, 2, 3)
    try:
        with app.app_context(), db.writing() as write:
            (row,) = new_attempt.rows(write, {"user_id": user_id, "number": 3, "at": at})
            answer.run(write, [{"attempt_id": row.id, "question_id": f"q{n}", "response": {"choice": [n]}, "at": at}
                               for n in range(3)])
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert row.started_at == at  # a datetime back, converted as SQLAlchemy converts it
    assert ("INSERT", False) in heard and ("INSERT", True) in heard
    with app.app_context():
        saved = db.session().execute(select(Answer.question_id, Answer.response).where(Answer.attempt_id == row.id)
                                     .order_by(Answer.question_id)).all()
    assert [tuple(r) for r in saved] == [("q0", {"choice": [0]}), ("q1", {"choice": [1]}), ("q2", {"choice": [2]})]


def test_a_failed_write_leaves_nothing(app: Flask) -> None:
    user_id = _learner_with_attempts(app)
    add = database.Write(insert(Answer).values(attempt_id=bindparam("attempt_id"), question_id=literal("x"),
                                               response=bindparam("response"), points=literal(0.0), max_points=literal(0),
                                               created_at=bindparam("at")))
    with app.app_context():
        (attempt_id,) = db.session().execute(select(Attempt.id).where(Attempt.user_id == user_id, Attempt.number == 1)).one()
    with app.app_context(), pytest.raises(RuntimeError), db.writing() as write:
        add.run(write, {"attempt_id": attempt_id, "response": {}, "at": datetime(2026, 1, 1)})
        raise RuntimeError("a later step fails")
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Answer).where(Answer.question_id == "x")) == 0


@pytest.mark.parametrize("count", [1, 7, 8, 9, 16, 17, 40])
def test_appended_rows_go_in_groups_of_multi_row_inserts(app: Flask, count: int) -> None:
    """db.Append: a list of rows as multi-row INSERTs of `rows_per` rows (one executemany for two
    or more whole groups, a plain statement for one, one statement for the rest), every value
    converted for its column, in order."""
    user_id = _learner_with_attempts(app)
    append = database.Append(Answer, "attempt_id", "question_id", "response", "points", "max_points", "created_at")
    assert append.rows_per == 8  # six parameters a row: at most 50 in one statement
    with app.app_context():
        (attempt_id,) = db.session().execute(select(Attempt.id).where(Attempt.user_id == user_id, Attempt.number == 2)).one()
    at = datetime(2026, 12, 6, 4, 5, 6)
    rows = [{"attempt_id": attempt_id, "question_id": f"q{n:02}", "response": {"choice": [n], "text": f"é{n}"},
             "points": n / 2, "max_points": n, "created_at": at} for n in range(count)]
    heard: list[tuple[int, bool]] = []
    engine = db_engine(app)
    def listen(_c, _cur, sql: str, _p, _ctx, many: bool) -> None:  # noqa: ANN001
        if sql.startswith("INSERT INTO answers"):
            heard.append((sql.split(" VALUES ")[1].count("), (") + 1, many))  # the rows of its VALUES
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with app.app_context(), db.writing() as write:
            append.run(write, rows)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    whole, rest = divmod(count, 8)
    assert heard == [(8, whole > 1)] * bool(whole) + [(rest, False)] * bool(rest)
    with app.app_context():
        saved = db.session().execute(select(Answer.question_id, Answer.response, Answer.points, Answer.max_points,
                                            Answer.created_at).where(Answer.attempt_id == attempt_id).order_by(Answer.id)).all()
    assert [tuple(r) for r in saved] == [(r["question_id"], r["response"], r["points"], r["max_points"], at) for r in rows]
    assert len(append._counted) <= 2  # compiled for the group and for the rest, no more


def test_appended_rows_return_what_was_new_and_skip_conflicts(app: Flask) -> None:
    """db.Append.returned: each group of rows its own statement, the RETURNING rows of all of
    them; with skip_conflicts a row whose key exists is left as it is and returns nothing."""
    user_id = _learner_with_attempts(app)
    claims = database.Append(Submission, "client_id", "user_id", "created_at", returning=(Submission.client_id, Submission.created_at),
                             skip_conflicts=("client_id",))
    assert claims.rows_per == 16
    at = datetime(2026, 12, 6, 7, 8, 9)
    ids = [f"client-{n:04}-abcdefgh" for n in range(40)]
    with app.app_context(), db.writing() as write:
        first = claims.returned(write, [{"client_id": c, "user_id": user_id, "created_at": at} for c in ids[:25]])
    with app.app_context(), db.writing() as write:
        again = claims.returned(write, [{"client_id": c, "user_id": user_id, "created_at": datetime(2027, 1, 1)} for c in ids])
    assert sorted(r.client_id for r in first) == ids[:25] and {r.created_at for r in first} == {at}
    assert sorted(r.client_id for r in again) == ids[25:]  # three statements: 16, 16 and 8 rows
    with app.app_context():
        kept = db.session().scalar(select(Submission.created_at).where(Submission.client_id == ids[0]))
    assert kept == at  # the conflicting row was left as it was


def test_a_write_transaction_is_one_for_statements_and_objects(app: Flask) -> None:
    """db.writing(): the session's objects and the statements on its connection commit together,
    and a failing flush (a duplicate email) takes back the statements that ran before it; the
    pooled connection is clean for the next transaction."""
    user_id = _learner_with_attempts(app)
    claims = database.Append(Submission, "client_id", "user_id", "created_at", returning=(Submission.client_id,),
                             skip_conflicts=("client_id",))
    at = datetime(2026, 12, 6, 1, 1, 1)
    with app.app_context(), db.writing() as write:
        claims.returned(write, [{"client_id": "kept-client-0001", "user_id": user_id, "created_at": at}])
        write.add(User(email="new@example.org"))
    with app.app_context(), pytest.raises(exc.IntegrityError), db.writing() as write:
        claims.returned(write, [{"client_id": "lost-client-0001", "user_id": user_id, "created_at": at}])
        write.add(User(email="new@example.org"))
        write.flush()
    with app.app_context(), db.writing() as write:  # the connection went back to the pool clean
        claims.returned(write, [{"client_id": "next-client-0001", "user_id": user_id, "created_at": at}])
    with app.app_context():
        session = db.session()
        assert sorted(session.scalars(select(Submission.client_id))) == ["kept-client-0001", "next-client-0001"]
        assert session.scalar(select(func.count()).select_from(User).where(User.email == "new@example.org")) == 1
