"""The real player on a free loopback port, and one Chromium for the whole session.

The server runs in a thread of the test process against its own SQLite file, so a test can
look in the database after a browser did something. Chromium is Debian's (`.ci/apt-packages.txt`);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from blocks.model import Question, Quiz
from blocks.qtypes.base import FieldNames
from player import create_app
from player.store.migrate import upgrade
from player.web import db
from player.web.forms import SURVEY_SEED, field_key
from tests.conftest import COURSES
from tests.player.helpers import form_fields

SECRET = "browser-test-secret-" + "x" * 32
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PASSWORD = "a long enough password"
_emails = itertools.count(1)


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The player served by werkzeug in a background thread, on a migrated SQLite file."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "DATABASE_URL": f"sqlite:///{folder / 'browser.db'}",
        "COURSES_DIR": COURSES,
        "SECRET_KEY": SECRET,
        "SESSION_COOKIE_SECURE": False,  # plain http on loopback
        "CONTENT_KEPT": folder / "kept",
    })
    with app.app_context():
        upgrade(db.engine())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["coursepack_engine"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, in a laptop-sized window."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def new_email() -> str:
    return f"learner{next(_emails)}@example.org"


def sign_up(page: Page, email: str, name: str = "Ana Browser") -> None:
    """Create an account through the sign-up form, as a learner would."""
    page.goto("/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    finish_sign_up(page)


def finish_sign_up(page: Page) -> None:
    """Sign-up says the same for a new and a known email and leads to sign-in, the email filled in."""
    page.get_by_text("If this email is new here, your account is ready").wait_for()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def field_names(page: Page, question: Question) -> FieldNames:
    """The names of a question's fields on the page: tokens of the seed its form carries."""
    seed = page.locator(f'form:has(#{question.id}) input[name="seed"]')
    return FieldNames(field_key(SECRET), int(seed.input_value()) if seed.count() else SURVEY_SEED)


def answer(page: Page, question: Question, response: dict[str, Any]) -> None:
    """Fill one question's fields with a response, by the names the player's form posts."""
    for name, value in form_fields(question, response, field_names(page, question)).items():
        field = page.locator(f'[name="{name}"]')
        kind = field.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "select":
            field.select_option(value)
        elif kind in ("radio", "checkbox"):
            for choice in value if isinstance(value, list) else [value]:
                field.and_(page.locator(f'[value="{choice}"]')).check()
        else:
            field.fill(value)


def answer_quiz(page: Page, quiz: Quiz, responses: dict[str, dict[str, Any]]) -> None:
    for question in quiz.questions:
        answer(page, question, responses[question.id])
