"""The trainer's side in a real browser: a trainer creates a cohort, a learner joins it with
the link and completes a block, the grid changes and its CSV says so; and axe-core finds no
accessibility violations on the trainer pages."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from blocks.load import Loader
from blocks.scoring import correct_response
from player.domain.accounts import hash_password
from player.store.models import User
from player.web import db
from tests.browser.conftest import PASSWORD, LiveServer, answer_quiz, finish_sign_up, new_email, sign_in
from tests.conftest import COURSES
from tests.player.cohort_data import R1, Seeded, seed

pytestmark = pytest.mark.browser

BLOCK = Loader().course(COURSES / "sample").blocks[0]
QUIZ = BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))
_staff = itertools.count(1)


def _account(live_server: LiveServer, role: str) -> str:
    email = f"{role}{next(_staff)}@example.org"
    with live_server.app.app_context(), db.writing() as write:
        write.add(User(email=email, name=f"{role.title()} Browser", role=role, password_hash=hash_password(PASSWORD)))
    return email


def _page(browser: Browser, live_server: LiveServer) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    context.set_default_timeout(10_000)
    return context.new_page()


def _grid_cell(page: Page, learner: str) -> str:
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=learner))
    return row.get_by_role("cell").nth(2).inner_text()  # email, organisation, then the block


def test_a_cohort_from_creation_to_csv(browser: Browser, live_server: LiveServer) -> None:
    trainer = _page(browser, live_server)
    sign_in(trainer, _account(live_server, "admin"))  # the sample is internal: only an admin makes a cohort of it
    trainer.get_by_role("link", name="Cohorts", exact=True).click()
    trainer.get_by_role("link", name="New cohort").click()
    trainer.get_by_label("Name").fill("Browser cohort")
    trainer.get_by_label("Course").select_option(label="Sample course (every construct)")
    trainer.get_by_label(re.compile("Self-paced:")).check()
    trainer.get_by_role("button", name="Create cohort").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text("Browser cohort")
    join_link = trainer.locator(".join a").get_attribute("href")
    assert join_link and re.search(r"/join/[A-Z2-9]{8}$", join_link)

    learner = _page(browser, live_server)
    learner.goto(join_link)
    learner.get_by_role("link", name="Sign up and join").click()
    learner.get_by_label("Your name").fill("Joana Joiner")
    learner.get_by_label("Email").fill(new_email())
    learner.get_by_label("Password", exact=True).fill(PASSWORD)
    learner.get_by_role("button", name="Create account").click()
    finish_sign_up(learner)
    expect(learner.get_by_text("You are in this cohort.")).to_be_visible()  # sign-in led back to the join page

    trainer.reload()
    assert _grid_cell(trainer, "Joana Joiner") == "Not started"

    learner.goto(f"/courses/sample/{BLOCK.id}/")
    learner.get_by_role("link", name="Start").click()
    while not learner.url.endswith(f"/{QUIZ_STEP}"):
        learner.get_by_role("button", name="Next").click()
    answer_quiz(learner, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    learner.get_by_role("button", name="Submit answers").click()
    learner.get_by_role("link", name="Back to the step").click()
    learner.get_by_role("button", name="Next").click()
    learner.get_by_role("button", name="Finish").click()
    expect(learner.locator("main")).to_contain_text("Passed")

    trainer.reload()
    assert _grid_cell(trainer, "Joana Joiner") == "Passed"
    with trainer.expect_download() as download:
        trainer.get_by_role("link", name="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert rows[0][3] == BLOCK.title
    assert [r[3] for r in rows if r[0] == "Joana Joiner"] == ["Passed"]
    trainer.context.close()
    learner.context.close()


@pytest.fixture(scope="module")
def admin(browser: Browser, live_server: LiveServer) -> Iterator[tuple[Page, Seeded]]:
    """An admin (who also leads the seeded cohort) signed in, for every trainer page."""
    seeded = seed(live_server.app)
    with live_server.app.app_context(), db.writing() as write:
        user = write.get(User, seeded.trainer_id)
        user.role, user.password_hash = "admin", hash_password(PASSWORD)
        email = user.email
    page = _page(browser, live_server)
    sign_in(page, email)
    yield page, seeded
    page.context.close()


PAGES = {
    "cohorts": "/trainer/",
    "new cohort": "/trainer/cohorts/new",
    "grid": "/trainer/cohorts/{cohort}/",
    "learner": "/trainer/cohorts/{cohort}/learners/{ana}",
    "questions": "/trainer/cohorts/{cohort}/questions",
    "evaluation": "/trainer/cohorts/{cohort}/evaluation",
    "attendance": "/trainer/cohorts/{cohort}/attendance?block=" + R1 + "&day=2026-03-02",
    "printable report": "/trainer/cohorts/{cohort}/report",
    "overview": "/trainer/overview?period=quarter",
    "join": "/join/SPRING26",
    "account": "/account/",
}


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_no_axe_violations_on_trainer_pages(admin: tuple[Page, Seeded], url: str) -> None:
    page, seeded = admin
    response = page.goto(url.format(cohort=seeded.cohort_id, ana=seeded.ana))
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # the attempts, unfolded
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_printable_report_hides_the_screen_parts_on_paper(admin: tuple[Page, Seeded]) -> None:
    page, seeded = admin
    page.goto(f"/trainer/cohorts/{seeded.cohort_id}/report")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Cohort reports")).to_be_hidden()
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    assert page.locator("table.report thead").first.evaluate("e => getComputedStyle(e).display") == "table-header-group"
    page.emulate_media(media="screen")
