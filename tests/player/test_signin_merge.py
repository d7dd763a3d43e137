"""A guest who signs in to an existing account keeps what they did, by the rules of SPEC 6
(issue 14, item 2): steps add up, a quiz keeps at most its attempts (the best ones), completion
is stamped from the merged progress, and the learner is told what was kept."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blocks.load import Loader
from player.store.models import Attempt, BlockProgress, SectionView, User
from player.web import db
from player.web.step_page import steps
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import quiz_form

COURSE = Loader().course(COURSES / "core-blocks")
BLOCK = COURSE.blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.kind == "check")
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)) and QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/{COURSE.id}/{BLOCK.id}"
EMAIL = "has-an-account@example.org"
PASSWORD = "a long enough password"


def _attempt(client: FlaskClient, right: bool) -> None:
    step = f"{BASE}/{QUIZ_STEP}"
    response = post(client, f"{step}/quiz/{QUIZ.id}", quiz_form(client, step, QUIZ, right=right))
    assert "/attempts/" in response.location


def _account(app: Flask, *rights: bool) -> None:
    """An account with submitted attempts at the quiz, then signed out."""
    other = app.test_client()
    sign_up(other, email=EMAIL)
    for right in rights:
        _attempt(other, right)
    post(other, "/signout")


def _sign_in(client: FlaskClient) -> str:
    """Sign in as the guest would, and the page they land on."""
    response = post(client, "/signin", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(response.location).get_data(as_text=True)


def _attempts(app: Flask) -> list[tuple[int, float | None]]:
    with app.app_context():
        account = db.session().scalars(select(User).filter_by(email=EMAIL)).one()
        rows = db.session().scalars(select(Attempt).filter_by(user_id=account.id).order_by(Attempt.number)).all()
        return [(a.number, a.percent) for a in rows]


def test_signing_in_keeps_the_guests_steps_and_attempts(app: Flask, client: FlaskClient) -> None:
    _account(app)
    post(client, f"{BASE}/{BLOCK.sections[0].id}", {"go": "next"})
    _attempt(client, right=False)
    page = _sign_in(client)
    assert "What you did before signing in is kept. 1 step read. 1 quiz attempt." in page
    assert _attempts(app) == [(1, 0.0)]
    with app.app_context():
        users = db.session().scalars(select(User)).all()
        assert [u.email for u in users] == [EMAIL]  # the guest is gone, their progress is the account's
        assert [v.section_id for v in db.session().scalars(select(SectionView))] == [BLOCK.sections[0].id]
    assert "In progress" in client.get(f"/courses/{COURSE.id}/").get_data(as_text=True)


def test_a_quiz_keeps_its_best_attempts_within_its_limit(app: Flask, client: FlaskClient) -> None:
    assert QUIZ.attempts == 3
    _account(app, False, False)
    _attempt(client, right=True)
    _attempt(client, right=False)
    page = _sign_in(client)
    assert "1 quiz attempt. 1 weaker attempt was left out" in page  # the guest's 100%, not its 0%
    attempts = _attempts(app)
    assert [n for n, _p in attempts] == [1, 2, 3] and sorted(p for _n, p in attempts) == [0.0, 0.0, 100.0]
    quiz_page = client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True)
    assert "0 attempts left" in quiz_page and "Best score: 100%" in quiz_page


def test_a_block_finished_as_a_guest_is_finished_in_the_account(app: Flask, client: FlaskClient) -> None:
    _account(app)
    for step in steps(BLOCK)[:-1]:
        post(client, f"{BASE}/{step}", {"go": "next"})
    for quiz in [q for q in BLOCK.quizzes if q.kind in ("check", "posttest")]:
        step = next(s.id for s in BLOCK.sections if quiz in s.nodes(type(quiz)))
        post(client, f"{BASE}/{step}/quiz/{quiz.id}", quiz_form(client, f"{BASE}/{step}", quiz, right=True))
    _sign_in(client)
    with app.app_context():
        progress = db.session().scalars(select(BlockProgress)).one()
        assert progress.completed_at is not None and progress.passed_at is not None
        assert db.session().get(User, progress.user_id).email == EMAIL  # type: ignore[union-attr]


def test_signing_in_without_a_guests_progress_says_nothing_of_it(app: Flask, client: FlaskClient) -> None:
    _account(app, False)
    page = _sign_in(client)
    assert "before signing in" not in page
    assert _attempts(app) == [(1, 0.0)]
