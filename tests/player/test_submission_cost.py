"""A quiz submission is one short write transaction (issue 16): the statements and commits of
submitting core block A's seven-question quiz are counted, on SQLite and PostgreSQL, so that a
change that brings back per-answer writes or extra commits fails here, not only in a benchmark.
(The visitor's session is read on the request's reader, outside the transaction.)"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from blocks.load import Loader
from tests.conftest import COURSES, csrf_token, sign_up
from tests.player.helpers import quiz_form

BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if len(q.questions) >= 7)
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/core-blocks/{BLOCK.id}"
MOST_STATEMENTS = 12


def _counted(app: Flask, client: FlaskClient, action: str) -> tuple[int, int]:
    form = {**quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=True, action=action), "csrf_token": csrf_token(client)}
    counts = {"statements": 0, "commits": 0}

    def statement(*_args: object) -> None:
        counts["statements"] += 1

    def commit(*_args: object) -> None:
        counts["commits"] += 1

    engine = app.extensions["coursepack_engine"]
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        response = client.post(f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", data=form)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert response.status_code == 302
    return counts["statements"], counts["commits"]


def test_a_submission_is_one_transaction_of_a_few_statements(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    assert len(QUIZ.questions) >= 7
    for action in ("save", "submit"):  # the first saves into a new attempt, the second submits it
        statements, commits = _counted(app, client, action)
        assert commits == 1, action
        assert statements <= MOST_STATEMENTS, f"{action}: {statements} statements"
        assert statements >= 4, f"{action}: {statements}: the claim, attempt, answers and progress must be counted"
