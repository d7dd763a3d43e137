"""A learner on a phone (390x844), with and without JavaScript, loses nothing and is never misled
(issue 14): Next keeps a draft (item 1), signing in keeps a guest's work (item 2), a half-answered
quiz asks before an attempt is spent (item 3), and a finished block reads right (item 12). The
last test records a whole guest walk-through: start, quiz, leave, sign in, finish, certificate,
verify."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from blocks.load import Loader
from blocks.model import Quiz
from blocks.scoring import correct_response
from player.domain.accounts import hash_password
from player.store.models import User
from player.web import db
from tests.browser.conftest import PASSWORD, LiveServer, answer, answer_quiz, new_email, sign_in, sign_up
from tests.conftest import COURSES
from tests.player.helpers import wrong_response

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
COURSE = Loader().course(COURSES / "core-blocks")
BLOCK = COURSE.blocks[0]
CHECK = next(q for q in BLOCK.quizzes if q.kind == "check")
PRETEST = next(q for q in BLOCK.quizzes if q.kind == "pretest")
BASE = f"/courses/{COURSE.id}/{BLOCK.id}"


def _step_of(quiz: Quiz) -> str:
    return next(s.id for s in BLOCK.sections if quiz in s.nodes(Quiz))


CHECK_STEP, PRETEST_STEP = _step_of(CHECK), _step_of(PRETEST)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh phone-sized browser (no cookies: a guest), with JavaScript on or off."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT},
                                  is_mobile=True, has_touch=True, java_script_enabled=request.param)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _account(live_server: LiveServer, name: str = "Mira Phone", role: str = "learner") -> str:
    """An existing account, made as `coursepack user create` would."""
    email = new_email()
    with live_server.app.app_context(), db.writing() as write:
        write.add(User(email=email, name=name, role=role, password_hash=hash_password(PASSWORD)))
    return email


def _first_choice(page: Page, quiz: Quiz) -> None:
    """Answer only the quiz's first question, wrongly (a real learner's half-done quiz)."""
    question = quiz.questions[0]
    answer(page, question, wrong_response(question))


def _first_choice_is_kept(page: Page, quiz: Quiz) -> None:
    expect(page.locator(f"#{quiz.questions[0].id} input:checked")).to_have_count(1)


def _in_first_screen(page: Page, name: str) -> None:
    """The button is on the phone's first screen, without scrolling."""
    box = page.get_by_role("button", name=name).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, box


def test_next_keeps_the_answers_given_as_a_draft(phone: Page) -> None:
    phone.goto(f"{BASE}/{CHECK_STEP}")
    _first_choice(phone, CHECK)
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("status")).to_contain_text("kept as a draft")
    phone.get_by_role("button", name="Previous").click()
    expect(phone).to_have_url(re.compile(f"{BASE}/{CHECK_STEP}$"))
    _first_choice_is_kept(phone, CHECK)
    expect(phone.get_by_text("3 attempts left")).to_be_visible()  # nothing was spent


def test_a_half_answered_quiz_asks_once_before_an_attempt_is_spent(phone: Page) -> None:
    phone.goto(f"{BASE}/{CHECK_STEP}")
    _first_choice(phone, CHECK)
    phone.get_by_role("button", name="Submit answers").click()
    missing = len(CHECK.questions) - 1
    expect(phone.get_by_role("alert")).to_contain_text(f"{missing} questions are not answered: submit anyway?")
    phone.get_by_role("link", name="Back to the questions").click()
    _first_choice_is_kept(phone, CHECK)
    expect(phone.get_by_text("3 attempts left")).to_be_visible()

    phone.get_by_role("button", name="Submit answers").click()
    phone.get_by_role("button", name="Submit anyway").click()
    expect(phone.get_by_role("heading", name="Your result")).to_be_visible()
    expect(phone.get_by_role("status")).to_contain_text("Attempt 1: 0%")
    expect(phone.locator("main")).to_contain_text("0 of 1 point")
    assert not re.search(r"\d\.0\b", phone.locator("main").inner_text())


def test_signing_in_keeps_what_the_guest_did(phone: Page, live_server: LiveServer) -> None:
    email = _account(live_server)
    phone.goto(f"{BASE}/{CHECK_STEP}")
    answer_quiz(phone, CHECK, {q.id: correct_response(q) for q in CHECK.questions})
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone.get_by_role("status")).to_contain_text("you passed")

    sign_in(phone, email)
    expect(phone.get_by_role("status")).to_contain_text("What you did before signing in is kept.")
    expect(phone.get_by_role("status")).to_contain_text("1 quiz attempt.")
    phone.goto(f"{BASE}/{CHECK_STEP}")
    expect(phone.get_by_role("link", name="Attempt 1: 100%")).to_be_visible()
    expect(phone.get_by_text("2 attempts left")).to_be_visible()


def test_a_finished_block_reads_right_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    sign_up(phone, new_email(), name="Petra Phone")
    expect(phone.locator("main")).not_to_contain_text("Sample course")  # internal: admins only
    assert phone.locator('link[rel="icon"]').count() == 1
    assert phone.request.get("/favicon.ico").ok

    for step in [s.id for s in BLOCK.sections]:
        phone.goto(f"{BASE}/{step}")
        if step == CHECK_STEP:
            answer_quiz(phone, CHECK, {q.id: correct_response(q) for q in CHECK.questions})
            phone.get_by_role("button", name="Submit answers").click()
            phone.get_by_role("link", name="Back to the step").click()
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Finish").click()

    expect(phone.get_by_role("heading", name="Well done: you passed this block.")).to_be_visible()
    _in_first_screen(phone, "Get your certificate")
    expect(phone.get_by_role("link", name="Review the block")).to_be_visible()
    expect(phone.get_by_role("link", name="Resume")).to_have_count(0)
    with phone.expect_download():
        phone.get_by_role("button", name="Get your certificate").click()
    phone.goto("/account/")
    expect(phone.get_by_role("link", name=BLOCK.title)).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("Verification page"))).to_be_visible()


def test_a_trainer_who_signs_in_lands_on_their_cohorts(phone: Page, live_server: LiveServer) -> None:
    sign_in(phone, _account(live_server, "Tina Trainer", "trainer"))
    expect(phone).to_have_url(re.compile("/trainer/$"))
    expect(phone.locator("main")).to_contain_text("Cohorts")


def test_a_guest_walks_through_a_block_on_a_phone_and_loses_nothing(phone: Page, live_server: LiveServer) -> None:
    email = _account(live_server, name="Lena Walker")

    # Start as a guest, from the catalogue.
    phone.goto("/")
    phone.get_by_role("link", name=COURSE.title).click()
    phone.get_by_role("link", name=BLOCK.title).click()
    phone.get_by_role("link", name="Start").click()
    expect(phone).to_have_url(re.compile(f"{BASE}/{PRETEST_STEP}$"))

    # Half of the pre-test, then Next: a draft, not an attempt.
    _first_choice(phone, PRETEST)
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("status")).to_contain_text("kept as a draft")

    # On to the quiz: answered and passed.
    while not phone.url.endswith(f"/{CHECK_STEP}"):
        phone.get_by_role("button", name="Next").click()
    answer_quiz(phone, CHECK, {q.id: correct_response(q) for q in CHECK.questions})
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone.get_by_role("status")).to_contain_text("you passed")

    # Leave, come back later and sign in to the account they already had.
    phone.goto("/")
    sign_in(phone, email)
    expect(phone.get_by_role("status")).to_contain_text("What you did before signing in is kept.")

    # Everything is there: the place, the draft, the attempt.
    phone.goto(f"{BASE}/")
    expect(phone.locator("main")).to_contain_text("In progress")
    phone.get_by_role("link", name="Resume").click()
    expect(phone).to_have_url(re.compile(f"{BASE}/{CHECK_STEP}$"))
    expect(phone.get_by_role("link", name="Attempt 1: 100%")).to_be_visible()
    phone.goto(f"{BASE}/{PRETEST_STEP}")
    _first_choice_is_kept(phone, PRETEST)

    # Finish the block.
    phone.goto(f"{BASE}/{CHECK_STEP}")
    while phone.get_by_role("button", name="Next").count():
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Finish").click()

    # The finish line, on the first screen, and nothing that says otherwise.
    expect(phone.get_by_role("heading", name="Well done: you passed this block.")).to_be_visible()
    _in_first_screen(phone, "Get your certificate")
    main = phone.locator("main")
    expect(main).to_contain_text("Passed")
    for contradiction in ("In progress", "Not started", "Resume"):
        expect(main).not_to_contain_text(contradiction)

    # The certificate, with the account's name.
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Get your certificate").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Lena Walker" in text
    code = re.search(r"certificate-([^.]+)\.pdf", download.value.suggested_filename)[1]  # type: ignore[index]
    assert code in text

    # Verified by anyone at the address the certificate prints.
    phone.goto("/account/")
    phone.get_by_role("link", name=re.compile("Verification page")).click()
    expect(phone).to_have_url(re.compile(f"/verify/{code}$"))
    expect(phone.get_by_role("status")).to_contain_text("genuine")
    expect(phone.locator("main")).to_contain_text("Lena Walker")
    phone.goto(f"/courses/{COURSE.id}/")
    expect(phone.locator("li.card").filter(has_text=BLOCK.title)).to_contain_text("Passed")
