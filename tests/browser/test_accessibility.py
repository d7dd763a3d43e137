"""axe-core finds no accessibility violations on the pages a learner meets.

axe.min.js comes from the axe-playwright-python package (a test dependency), so nothing is
fetched from the network at test time. Every rule axe runs by default is on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from blocks.load import Loader
from tests.browser.conftest import LiveServer, answer_quiz, new_email, sign_up
from tests.conftest import COURSES
from tests.player.helpers import wrong_response

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "sample").blocks[0]
PUBLIC_BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))
BASE = f"/courses/sample/{BLOCK.id}"
PAGES = {
    "catalogue": "/",
    "course": "/courses/sample/",
    "block start": f"{BASE}/",
    "step with table, image and activity": f"{BASE}/{BLOCK.sections[0].id}",
    "step with survey": f"{BASE}/practice",
    "quiz step": f"{BASE}/{QUIZ_STEP}",
    "result": f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}/attempts/1",
    "evaluation": f"{BASE}/evaluation",
    "step of a bundled public course": f"/courses/core-blocks/{PUBLIC_BLOCK.id}/{PUBLIC_BLOCK.sections[1].id}",
    "sign up": "/signup",
    "sign in": "/signin",
    "saved on this device (offline)": "/offline/saved",
    "not on this device (offline)": "/offline/missing",
}


@pytest.fixture(scope="module")
def learner(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A signed-in learner with one failed attempt, so the result page shows feedback."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_up(page, new_email())
    page.goto(f"{BASE}/{QUIZ_STEP}")
    answer_quiz(page, QUIZ, {q.id: wrong_response(q) for q in QUIZ.questions})
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    yield page
    context.close()


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_no_axe_violations(learner: Page, url: str) -> None:
    response = learner.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    results = Axe().run(learner)
    assert results.violations_count == 0, results.generate_report()


def test_a_hint_opens_in_the_page_keeping_what_was_ticked(learner: Page) -> None:
    """Hints open one at a time, inside the page: nothing answered is lost, and axe finds no
    violation with both of the first question's hints open."""
    question = QUIZ.questions[0]
    learner.goto(f"{BASE}/{QUIZ_STEP}")
    fieldset = learner.locator(f"fieldset#{question.id}")
    fieldset.locator("input").first.check()
    fieldset.get_by_text("Show a hint").first.click()
    expect(fieldset.get_by_role("note").first).to_be_visible()
    expect(fieldset.get_by_role("note").nth(1)).to_be_hidden()  # the second waits to be asked for
    fieldset.get_by_text("Show a hint").nth(1).click()
    expect(fieldset.get_by_role("note").nth(1)).to_be_visible()
    assert fieldset.locator("input").first.is_checked()
    results = Axe().run(learner)
    assert results.violations_count == 0, results.generate_report()
