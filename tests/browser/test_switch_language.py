"""A learner switches to Ukrainian mid-block, answers the quiz there, and sees the same progress in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from blocks.build import translated_block
from blocks.load import Loader
from blocks.scoring import correct_response
from tests.browser.conftest import LiveServer, answer_quiz, new_email, sign_up
from tests.conftest import COURSES

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "sample").blocks[0]
UK_BLOCK, _ = translated_block(BLOCK, "uk")
QUIZ = UK_BLOCK.quizzes[0]  # Ukrainian text gaps accept Ukrainian answers
QUIZ_STEP = next(s.id for s in UK_BLOCK.sections if s.nodes(type(QUIZ)))
BASE = f"/courses/sample/{BLOCK.id}"


def test_switch_to_ukrainian_mid_block_and_keep_progress(page: Page, live_server: LiveServer) -> None:
    sign_up(page, new_email())
    page.goto(f"{BASE}/{BLOCK.sections[0].id}?lang=en")
    expect(page.get_by_role("heading", level=2)).to_have_text(BLOCK.sections[0].title)
    page.get_by_role("button", name="Next").click()

    page.get_by_role("link", name="Українська").click()  # mid-block, from the language menu
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", level=2)).to_have_text(UK_BLOCK.sections[1].title)
    assert UK_BLOCK.sections[1].title != BLOCK.sections[1].title

    page.goto(f"{BASE}/{QUIZ_STEP}")
    expect(page.get_by_role("heading", level=2)).to_have_text(next(s.title for s in UK_BLOCK.sections if s.id == QUIZ_STEP))
    answer_quiz(page, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    page.locator('button[name="action"][value="submit"]').click()
    expect(page.get_by_role("status")).to_contain_text("100%")

    page.goto(f"{BASE}/{QUIZ_STEP}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text(re.compile(r"Attempt 1: 100%"))).to_be_visible()
    page.goto(f"{BASE}/")
    expect(page.get_by_text("In progress")).to_be_visible()
