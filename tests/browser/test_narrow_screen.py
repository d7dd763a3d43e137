"""At 360 px wide (a small phone) no page of the player scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from blocks.load import Loader, find_courses
from player.web.step_page import steps
from tests.browser.conftest import LiveServer, answer_quiz, new_email, sign_up
from tests.conftest import COURSES
from tests.player.helpers import wrong_response

pytestmark = pytest.mark.browser

WIDTH = 360
COURSE_LIST = [Loader().course(folder) for folder in find_courses(COURSES)]
SAMPLE = next(c for c in COURSE_LIST if c.id == "sample").blocks[0]
QUIZ = SAMPLE.quizzes[0]
QUIZ_STEP = next(s.id for s in SAMPLE.sections if s.nodes(type(QUIZ)))
STEPS = [f"/courses/{c.id}/{b.id}/{step}" for c in COURSE_LIST for b in c.blocks for step in steps(b)]
OTHER_PAGES = ["/", "/signup", "/signin"] + [f"/courses/{c.id}/" for c in COURSE_LIST] + [
    f"/courses/{c.id}/{b.id}/" for c in COURSE_LIST for b in c.blocks
]


@pytest.fixture(scope="module")
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A signed-in learner (the sample course is private) on a 360 px wide screen."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_up(page, new_email())
    yield page
    context.close()


def _overflow(page: Page, url: str) -> str | None:
    """The URL and the widest elements when the page is wider than the screen, else None."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= WIDTH:
        return None
    culprits = page.evaluate(  # the innermost elements that stick out: the ones to mend
        f"""[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > {WIDTH})
            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > {WIDTH}))
            .slice(0, 3).map(e => e.outerHTML.slice(0, 120))"""
    )
    return f"{url}: {width} px wide; {culprits}"


def test_every_step_of_every_bundled_block_fits(phone: Page) -> None:
    problems = [problem for url in STEPS if (problem := _overflow(phone, url))]
    assert not problems, "\n".join(problems)


def test_catalogue_course_block_and_account_pages_fit(phone: Page) -> None:
    problems = [problem for url in OTHER_PAGES if (problem := _overflow(phone, url))]
    assert not problems, "\n".join(problems)


def test_quiz_result_fits(phone: Page) -> None:
    phone.goto(f"/courses/sample/{SAMPLE.id}/{QUIZ_STEP}")
    answer_quiz(phone, QUIZ, {q.id: wrong_response(q) for q in QUIZ.questions})
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone.get_by_role("heading", name="Your result")).to_be_visible()
    assert _overflow(phone, phone.url) is None
