"""SPEC 11: a learner downloads all their data and deletes their account, which leaves no
personal row behind; retention removes old reflections and abandoned guests.

The deletion test walks every table of Base.metadata, so a table added later is checked
without anyone remembering to add it here.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, func, or_, select

from player import create_app
from player.cli import main
from player.store.database import Base
from player.store.models import (
    Answer, Attempt, Attendance, BlockProgress, Certificate, Cohort, CohortTrainer, LtiAccount, LtiGradeTarget,
    HeldSubmission, LtiPlatform, Membership, OutboxMessage, RateLimit, SectionView, Submission, SurveyAnswer, User, XapiAgent,
    utcnow,
)
from player.store.migrate import upgrade
from player.web import db
from player.web.auth import account_tag
from tests.conftest import post
from tests.player.trainer_helpers import PASSWORD, new_user, sign_in_as

NAME, EMAIL = "Zebulon Quixote-Marwick", "zebulon.q@example.org"
SECRET = "my-own-words-7f3c"  # in an answer and a reflection: must go with the account


def _everything(write: Any, user_id: int, cohort_id: int, name: str, words: str) -> None:
    """A row in every table a learner's activity touches; the name and words go in free text."""
    where = dict(user_id=user_id, course_id="resilience", block_id="r1-resilience-to-stress")
    write.add_all([
        Membership(cohort_id=cohort_id, user_id=user_id),
        Attendance(cohort_id=cohort_id, user_id=user_id, block_id=where["block_id"], session_date=date(2026, 3, 2)),
        BlockProgress(**where, completed_at=utcnow()),
        SectionView(**where, section_id="pretest"),
        SurveyAnswer(**where, survey_id="reflect", question_id="reflection-1", response={"text": f"{words} {name}"}),
        Submission(client_id=f"client-{user_id}", user_id=user_id),
        HeldSubmission(client_id=f"held-{user_id}", user_id=user_id, course_id="resilience", block_id=where["block_id"],
                       reason="no-attempts", payload={"fields": {"q-reflect": f"{words} {name}"}}),
        Certificate(user_id=user_id, course_id="resilience", name=name, title="Becoming resilient", hours=1.5),
    ])
    attempt = Attempt(**where, quiz_id="check", number=1, seed=1, percent=50.0, passed=False, submitted_at=utcnow())
    write.add(attempt)
    _integrations(write, user_id, cohort_id, name, words)
    write.flush()
    write.add(Answer(attempt_id=attempt.id, question_id="q-grounding", response={"gaps": [words]}, points=0.0, max_points=1))


def _integrations(write: Any, user_id: int, cohort_id: int, name: str, words: str) -> None:
    """Their LMS link and grade column, xAPI pseudonym and a queued statement (docs/lti-xapi.md)."""
    platform = write.scalars(select(LtiPlatform)).first()
    if platform is None:
        platform = LtiPlatform(name="LMS", issuer="https://lms.example.org", client_id="c", auth_login_url="https://lms.example.org/auth",
                               auth_token_url="https://lms.example.org/token", jwks_url="https://lms.example.org/jwks",
                               deployment_ids=["d"], frame_origin="https://lms.example.org")
        write.add(platform)
        write.flush()
    write.add_all([
        LtiAccount(platform_id=platform.id, subject=f"sub-{user_id}", user_id=user_id),
        LtiGradeTarget(user_id=user_id, platform_id=platform.id, course_id="resilience", block_id="r1-resilience-to-stress",
                       lineitem="https://lms.example.org/lineitems/1"),
        CohortTrainer(cohort_id=cohort_id, user_id=user_id),
        XapiAgent(user_id=user_id, name=f"agent-{user_id}"),
        OutboxMessage(id=f"statement-{user_id}", channel="xapi", user_id=user_id, payload={"result": {"response": f"{words} {name}"}}),
    ])


def _two_learners(app: Flask) -> tuple[int, int, int]:
    zebulon = new_user(app, EMAIL, name=NAME)
    other = new_user(app, "other@example.org", name="Other Person")
    trainer = new_user(app, "trainer@example.org", "trainer", name="Tanja Trainer")
    with app.app_context(), db.writing() as write:
        cohort = Cohort(name="Skopje spring", course_id="resilience", join_code="SPRING26", trainer_id=trainer)
        write.add(cohort)
        write.flush()
        _everything(write, zebulon, cohort.id, NAME, SECRET)
        _everything(write, other, cohort.id, "Other Person", "someone else's words")
    return zebulon, other, trainer


def _user_columns(table: Table) -> list[Any]:
    return [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _leftovers(app: Flask, user_id: int, *needles: str) -> list[str]:
    """Every row, of every table, that refers to the user or holds one of the needles."""
    found = []
    with app.app_context():
        session = db.session()
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                if table.name == "users" and row["id"] == user_id:
                    found.append(f"users row {user_id}")
                found += [f"{table.name}.{c.name}" for c in _user_columns(table) if row[c.name] == user_id]
                found += [f"{table.name}: {needle}" for needle in needles if needle in _text(dict(row))]
    return found


def _holding(table: Table, user_id: int) -> Any:
    """A condition for the table's rows that are the user's: a reference to users, or a
    parent row (answers of an attempt) that is; None when the table cannot hold any."""
    direct = _user_columns(table)
    if direct:
        return or_(*(c == user_id for c in direct))
    through = [fk.parent.in_(select(fk.column).where(parent)) for fk in table.foreign_keys
               if (parent := _holding(fk.column.table, user_id)) is not None]
    return or_(*through) if through else None


def _tables_holding(app: Flask, user_id: int) -> set[str]:
    with app.app_context():
        session = db.session()
        return {t.name for t in Base.metadata.sorted_tables
                if (condition := _holding(t, user_id)) is not None
                and session.scalar(select(func.count()).select_from(t).where(condition))}


def test_the_seed_reaches_every_table_that_can_hold_a_learner(app: Flask) -> None:
    """So the deletion test below covers every table; a new table must be seeded above."""
    zebulon, _other, _trainer = _two_learners(app)
    sign_in_as(app, app.test_client(), zebulon)  # a login session row
    # the user row itself; cohorts refer to trainers; LMS registrations, logins, contexts and the
    # tool's keys are nobody's; throttling counters name an account by number or hashed email
    # only, and go with it (test_an_erased_account_leaves_no_copy_in_the_files_or_the_counters)
    without_learner_rows = {"users", "cohorts", "lti_platforms", "lti_logins", "lti_contexts", "lti_keys", "rate_limits"}
    expected = {t.name for t in Base.metadata.sorted_tables} - without_learner_rows
    assert _tables_holding(app, zebulon) == expected


def test_deleting_an_account_leaves_no_personal_row(app: Flask, client: FlaskClient) -> None:
    zebulon, other, trainer = _two_learners(app)
    sign_in_as(app, client, zebulon)
    before = _leftovers(app, other, "Other Person")
    assert len(_leftovers(app, zebulon, NAME, EMAIL, SECRET)) >= 10

    refused = post(client, "/account/delete", {"password": "not my password", "confirm": "yes"})
    assert refused.status_code == 400 and _leftovers(app, zebulon, EMAIL)
    unconfirmed = post(client, "/account/delete", {"password": PASSWORD})
    assert unconfirmed.status_code == 400 and _leftovers(app, zebulon, EMAIL)

    response = post(client, "/account/delete", {"password": PASSWORD, "confirm": "yes"})
    assert response.status_code == 302
    assert _leftovers(app, zebulon, NAME, EMAIL, SECRET) == []
    assert _leftovers(app, other, "Other Person") == before  # nobody else lost anything
    assert client.get("/account/").status_code == 302  # signed out
    with app.app_context():
        assert db.session().scalars(select(Cohort.trainer_id)).one() == trainer


def _database_files(database_url: str) -> bytes:
    main = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(path.read_bytes() for path in (main, main.with_name(main.name + "-wal")) if path.exists())


def _counters(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(RateLimit.key)))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the files of a SQLite database
def test_an_erased_account_leaves_no_copy_in_the_files_or_the_counters(app: Flask, client: FlaskClient, database_url: str) -> None:
    """Issue 13 item 8: SQLite's write-ahead log and free pages kept the deleted email and
    reflection; the throttling counters named the email."""
    zebulon, _other, _trainer = _two_learners(app)
    sign_in_as(app, client, zebulon)
    guesser = app.test_client()
    for _ in range(2):  # someone tries the account's password: counters that name it
        post(guesser, "/signin", {"email": EMAIL, "password": "a wrong guess"})
    post(client, "/account/password", {"current_password": "a wrong guess", "new_password": "x" * 12})
    tag = _account_tag(app, EMAIL)
    assert any(tag in key for key in _counters(app)) and any(f"|u{zebulon}|" in key for key in _counters(app))
    assert not any(EMAIL in key for key in _counters(app))  # a tag, never the email itself
    files = _database_files(database_url)
    assert EMAIL.encode() in files and SECRET.encode() in files  # so the check below can fail

    assert post(client, "/account/delete", {"password": PASSWORD, "confirm": "yes"}).status_code == 302
    files = _database_files(database_url)
    for needle in (EMAIL, SECRET, NAME):
        assert needle.encode() not in files, f"{needle} is still in the database's files"
    assert b"Other Person" in files  # the other learner's rows are all there
    assert not [key for key in _counters(app) if tag in key or f"|u{zebulon}|" in key]


def _account_tag(app: Flask, email: str) -> str:
    with app.test_request_context():
        return account_tag(email)


REDIS_URL = os.environ.get("COURSEPACK_TEST_REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="Redis counters need COURSEPACK_TEST_REDIS_URL (a Redis server)")
def test_an_erased_account_leaves_no_counter_in_redis(app_config: dict) -> None:
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL})
    with app.app_context():
        upgrade(db.engine())
    zebulon = new_user(app, EMAIL, name=NAME)
    client = app.test_client()
    sign_in_as(app, client, zebulon)
    post(app.test_client(), "/signin", {"email": EMAIL, "password": "a wrong guess"})
    post(client, "/account/password", {"current_password": "a wrong guess", "new_password": "x" * 12})
    keys = [key.decode() for key in server.keys("*")]
    tag = _account_tag(app, EMAIL)
    assert any(tag in key for key in keys) and any(f"|u{zebulon}|" in key for key in keys)
    assert not any(EMAIL in key for key in keys)

    assert post(client, "/account/delete", {"password": PASSWORD, "confirm": "yes"}).status_code == 302
    left = [key.decode() for key in server.keys("*")]
    assert not [key for key in left if tag in key or f"|u{zebulon}|" in key], left
    server.flushdb()
    with app.app_context():
        db.engine().dispose()


def test_a_trainer_who_leaves_leaves_their_cohort_to_the_admins(app: Flask, client: FlaskClient) -> None:
    zebulon, _other, trainer = _two_learners(app)
    sign_in_as(app, client, trainer)
    assert post(client, "/account/delete", {"password": PASSWORD, "confirm": "yes"}).status_code == 302
    assert _leftovers(app, trainer, "Tanja Trainer", "trainer@example.org") == []
    with app.app_context():
        cohort = db.session().scalars(select(Cohort)).one()
        assert cohort.trainer_id is None
        assert db.session().scalar(select(func.count()).select_from(Membership)) == 2  # the learners stay in it


def test_the_download_holds_all_my_data_and_nobody_else_s(app: Flask, client: FlaskClient) -> None:
    zebulon, other, _trainer = _two_learners(app)
    sign_in_as(app, client, zebulon)
    response = client.get("/account/data.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    tables = data["tables"]
    assert tables["users"] == [{**tables["users"][0], "email": EMAIL, "name": NAME}]
    assert "password_hash" not in tables["users"][0]
    assert tables["login_sessions"] and all("id" not in row for row in tables["login_sessions"])
    assert tables["answers"][0]["response"] == {"gaps": [SECRET]}
    assert _tables_holding(app, zebulon) <= set(tables)
    text = json.dumps(data)
    assert "other@example.org" not in text and f'"user_id": {other}' not in text
    assert "Your data" in client.get("/account/").get_data(as_text=True)


# -- retention ------------------------------------------------------------------------------
def _aged(app: Flask) -> dict[str, int]:
    """Reflections and likert answers 40 and 5 days old; guests old and idle, old but active."""
    old, recent = utcnow() - timedelta(days=40), utcnow() - timedelta(days=5)
    learner = new_user(app, "kept@example.org", name="Kept Learner")
    with app.app_context(), db.writing() as write:
        idle, active = User(created_at=old), User(created_at=old)
        write.add_all([idle, active])
        write.flush()
        where = dict(course_id="resilience", block_id="r1-resilience-to-stress", survey_id="evaluation")
        rows = {
            "old reflection": SurveyAnswer(user_id=learner, question_id="eval-comment", response={"text": "old"}, created_at=old, **where),
            "new reflection": SurveyAnswer(user_id=learner, question_id="eval-comment", response={"text": "new"}, created_at=recent, **where),
            "old likert": SurveyAnswer(user_id=learner, question_id="eval-apply", response={"value": 2}, created_at=old, **where),
        }
        write.add_all(rows.values())
        write.add(BlockProgress(user_id=active.id, course_id="resilience", block_id="r1-resilience-to-stress", updated_at=recent))
        write.flush()
        return {**{k: v.id for k, v in rows.items()}, "idle guest": idle.id, "active guest": active.id, "learner": learner}


def _exists(app: Flask, model: Any, row_id: int) -> bool:
    with app.app_context():
        return db.session().get(model, row_id) is not None


@pytest.mark.parametrize("env", [{"COURSEPACK_REFLECTION_RETENTION_DAYS": "30", "COURSEPACK_GUEST_RETENTION_DAYS": "30"}, {}])
def test_db_purge_applies_the_retention_settings(app: Flask, database_url: str, env: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _aged(app)
    monkeypatch.setenv("COURSEPACK_ENV", "development")
    monkeypatch.delenv("COURSEPACK_REFLECTION_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("COURSEPACK_GUEST_RETENTION_DAYS", raising=False)
    args = ["db", "purge", "--database", database_url]
    if not env:
        args += ["--reflection-days", "30", "--guest-days", "30"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert "1 reflection" in result.output and "1 guest" in result.output
    assert not _exists(app, SurveyAnswer, ids["old reflection"])
    assert _exists(app, SurveyAnswer, ids["new reflection"]) and _exists(app, SurveyAnswer, ids["old likert"])
    assert not _exists(app, User, ids["idle guest"])
    assert _exists(app, User, ids["active guest"]) and _exists(app, User, ids["learner"])


def test_without_a_reflection_setting_reflections_are_kept(app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _aged(app)
    monkeypatch.setenv("COURSEPACK_ENV", "development")
    monkeypatch.delenv("COURSEPACK_REFLECTION_RETENTION_DAYS", raising=False)
    result = CliRunner().invoke(main, ["db", "purge", "--database", database_url])
    assert result.exit_code == 0, result.output
    assert "reflections are kept" in result.output
    assert _exists(app, SurveyAnswer, ids["old reflection"])
    assert not _exists(app, User, ids["idle guest"])  # guests: 30 days unless told otherwise
