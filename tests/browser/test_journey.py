"""A learner's whole journey through a block in a real browser, from sign-up to certificate."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from blocks.evaluation import standard_evaluation
from blocks.load import Loader
from blocks.scoring import correct_response
from player.store.models import Attempt, SurveyAnswer, User
from player.web import db
from tests.browser.conftest import LiveServer, answer, answer_quiz, new_email, sign_in, sign_up
from tests.conftest import COURSES
from tests.player.helpers import wrong_response

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "sample").blocks[0]
QUIZ = BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))
BASE = f"/courses/sample/{BLOCK.id}"
EVALUATION = {q.id: {"text": "Clear and short."} if q.type == "reflection" else {"value": 2} for q in standard_evaluation().questions}


def _submit_quiz(page: Page, right: bool) -> None:
    answer_quiz(page, QUIZ, {q.id: correct_response(q) if right else wrong_response(q) for q in QUIZ.questions})
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()


def test_sign_up_take_block_resume_and_get_certificate(page: Page, live_server: LiveServer) -> None:
    email = new_email()
    sign_up(page, email, name="Ana Browser")

    page.goto(f"{BASE}/")
    expect(page.get_by_role("note")).to_contain_text("stress at work")  # the content note comes first
    page.get_by_role("link", name="Start").click()
    expect(page).to_have_url(re.compile(f"{BASE}/{BLOCK.sections[0].id}$"))
    while not page.url.endswith(f"/{QUIZ_STEP}"):
        page.get_by_role("button", name="Next").click()

    _submit_quiz(page, right=False)
    expect(page.get_by_role("status")).to_contain_text("Not passed yet")
    expect(page.locator(".why").first).to_be_visible()  # feedback on a chosen wrong option
    page.get_by_role("link", name="Back to the step").click()
    _submit_quiz(page, right=True)
    expect(page.get_by_role("status")).to_contain_text("you passed")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()
    assert page.goto(f"{BASE}/{QUIZ_STEP}").status == 404  # the old session is gone; a private course is not for guests

    sign_in(page, email)
    page.goto(f"{BASE}/")
    page.get_by_role("link", name="Resume").click()
    expect(page).to_have_url(re.compile(f"{BASE}/{QUIZ_STEP}$"))
    expect(page.get_by_role("link", name=re.compile("Attempt 2: 100%"))).to_be_visible()

    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(f"{BASE}/evaluation$"))
    for question in standard_evaluation().questions:
        answer(page, question, EVALUATION[question.id])
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are saved")
    page.get_by_role("button", name="Finish").click()

    expect(page.locator("main")).to_contain_text("Passed")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Get your certificate").click()
    download = download_info.value
    pdf = PdfReader(io.BytesIO(download.path().read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Ana Browser" in text and BLOCK.title in text

    code = re.fullmatch(r"certificate-(.+)\.pdf", download.suggested_filename)[1]
    page.goto(f"/verify/{code}")
    expect(page.get_by_role("status")).to_contain_text("genuine")

    with live_server.app.app_context():
        session = db.session()
        user = session.scalars(select(User).filter_by(email=email)).one()
        attempts = session.scalars(select(Attempt).filter_by(user_id=user.id).order_by(Attempt.number)).all()
        assert [(a.number, a.passed) for a in attempts] == [(1, False), (2, True)]
        evaluation = session.scalars(select(SurveyAnswer).filter_by(user_id=user.id, survey_id="evaluation")).all()
        assert {a.question_id for a in evaluation} == set(EVALUATION)
