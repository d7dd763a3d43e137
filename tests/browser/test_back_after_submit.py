"""The browser's Back after Submit: the step shows the next attempt's form as the server made it.

Each attempt shuffles its options afresh, so ticks the browser restored by position would be
answers the learner never chose, one press of Submit away from spending an attempt on them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blocks.load import Loader
from blocks.model import QuizKind
from blocks.scoring import correct_response
from tests.browser.conftest import LiveServer, answer_quiz
from tests.conftest import COURSES

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.kind == QuizKind.CHECK and q.shuffle and q.attempts)
STEP = f"/courses/core-blocks/{BLOCK.id}/{next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))}"


def test_back_after_submitting_ticks_nothing_the_learner_did_not_choose(page: Page, live_server: LiveServer) -> None:
    page.goto(STEP)
    answer_quiz(page, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    form = page.locator(f"#answers-{QUIZ.id}")
    assert form.locator("input:checked").count() >= len(QUIZ.questions)  # what the learner ticked
    form.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()

    page.go_back()
    expect(page.get_by_text("2 attempts left")).to_be_visible()  # the page of the next attempt
    assert form.locator("input:checked").count() == 0
