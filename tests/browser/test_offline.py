"""Offline in Chromium: download a block, lose the connection, learn, and sync exactly once.

The browser's own offline mode (`context.set_offline`) cuts the network; the service worker
and the IndexedDB outbox are the real ones (static/offline/). docs/offline.md has the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import func, select

from blocks.load import Loader
from blocks.model import QuizKind
from blocks.scoring import correct_response
from player.store.models import Answer, Attempt
from player.web import db
from tests.browser.conftest import LiveServer, answer_quiz
from tests.conftest import COURSES

BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.kind == QuizKind.CHECK)
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
START = f"/courses/core-blocks/{BLOCK.id}/"


@pytest.fixture
def tablet(browser: Browser, live_server: LiveServer) -> Iterator[tuple[BrowserContext, Page]]:
    """A fresh tablet-sized browser with service workers allowed."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 800, "height": 1280}, service_workers="allow")
    context.set_default_timeout(15_000)
    yield context, context.new_page()
    context.close()


def download(page: Page) -> None:
    page.goto(START)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_text("Not downloaded").wait_for()
    assert not page.get_by_role("button", name="Remove download").is_visible()  # nothing to remove yet
    page.get_by_role("button", name="Download for offline use").click()
    page.get_by_text("Stored on this device for offline use").wait_for()
    assert not page.get_by_role("button", name="Download for offline use").is_visible()  # done: only Remove is offered


def submitted(live_server: LiveServer) -> list[Attempt]:
    with live_server.app.app_context():
        return list(db.session().scalars(select(Attempt).where(Attempt.block_id == BLOCK.id, Attempt.quiz_id == QUIZ.id,
                                                               Attempt.submitted_at.is_not(None))))


def test_a_downloaded_block_is_taken_offline_and_synced_once(tablet: tuple[BrowserContext, Page], live_server: LiveServer) -> None:
    context, page = tablet
    download(page)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    before = len(submitted(live_server))

    context.set_offline(True)
    for section in BLOCK.sections:  # every step from the device
        page.goto(f"{START}{section.id}")
        page.get_by_role("heading", name=section.title, exact=True).wait_for()
    assert [url for url in failed if "/courses/" in url or "/static/" in url] == []
    page.goto("/courses/core-blocks/")  # never downloaded: the stored page says so
    page.get_by_role("heading", name="This page is not on this device").wait_for()

    page.goto(f"{START}{QUIZ_STEP}")
    answer_quiz(page, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    page.locator(f"#{QUIZ.id}").get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name="Saved on this device, not sent yet").wait_for()
    assert "%" not in page.locator("main").inner_text()  # never a score it cannot know
    assert len(submitted(live_server)) == before

    page.goto(START)  # still offline: the stored start page, which has no form to read a token from
    assert page.locator('input[name="csrf_token"]').count() == 0
    context.set_offline(False)  # any page sends the outbox when the connection is back; this one asks for the token
    page.get_by_text("Sent from this device: 1.").wait_for()
    attempts = submitted(live_server)
    assert len(attempts) == before + 1 and attempts[-1].percent == 100.0
    with live_server.app.app_context():
        answered = db.session().scalar(select(func.count()).select_from(Answer).where(Answer.attempt_id == attempts[-1].id))
    assert answered == len(QUIZ.questions)
    page.locator("#offline-status").get_by_role("link", name="See your result").click()
    page.get_by_text("100%").first.wait_for()  # the server's score

    page.evaluate("window.coursepackSync()")  # nothing left to send, nothing recorded twice
    page.goto(START)
    assert len(submitted(live_server)) == before + 1


def test_the_download_can_be_removed(tablet: tuple[BrowserContext, Page]) -> None:
    _context, page = tablet
    download(page)
    assert page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('coursepack-block:')).length)") == 1
    page.get_by_role("button", name="Remove download").click()
    page.get_by_text("Download removed.").wait_for()
    assert page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('coursepack-block:')).length)") == 0


def test_without_javascript_nothing_offline_shows_and_the_pages_work(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(START)
    assert not page.get_by_role("button", name="Download for offline use").is_visible()
    page.get_by_role("link", name="Start").click()
    page.get_by_role("heading", name=BLOCK.sections[0].title, exact=True).wait_for()
    context.close()


def test_a_downloaded_90_minute_block_is_light(tablet: tuple[BrowserContext, Page]) -> None:
    """Under 300 KB for core block A (no optional media), the worker and its scripts under 30 KB."""
    _context, page = tablet
    download(page)
    stored = page.evaluate("""async () => {
        const name = (await caches.keys()).find(n => n.startsWith('coursepack-block:'));
        const cache = await caches.open(name);
        let bytes = 0;
        for (const request of await cache.keys()) { bytes += (await (await cache.match(request)).blob()).size; }
        return bytes;
    }""")
    assert 0 < stored < 300 * 1024, f"{stored} bytes"
    scripts = sum(len(page.request.get(url).body()) for url in ("/sw.js", "/static/offline/outbox.js", "/static/offline/page.js"))
    assert scripts < 30 * 1024, f"{scripts} bytes"


def test_a_guests_offline_answers_become_the_accounts_after_signing_up(tablet: tuple[BrowserContext, Page], live_server: LiveServer) -> None:
    from player.store.models import User
    from tests.browser.conftest import new_email, sign_up

    context, page = tablet
    download(page)
    context.set_offline(True)
    page.goto(f"{START}{QUIZ_STEP}")
    answer_quiz(page, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    page.locator(f"#{QUIZ.id}").get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name="Saved on this device, not sent yet").wait_for()
    context.set_offline(False)
    email = new_email()
    sign_up(page, email)
    page.goto(START)
    for _ in range(100):  # the page sends the outbox on load
        if page.evaluate("CoursepackOutbox.all().then(items => items.length)") == 0:
            break
        page.wait_for_timeout(100)
    with live_server.app.app_context():
        account = db.session().scalars(select(User).where(User.email == email)).one()
        mine = db.session().scalars(select(Attempt).where(Attempt.user_id == account.id, Attempt.quiz_id == QUIZ.id)).all()
    assert len(mine) == 1 and mine[0].percent == 100.0


def test_a_new_release_of_the_worker_keeps_the_outbox_and_the_downloads(tablet: tuple[BrowserContext, Page], live_server: LiveServer) -> None:
    _context, page = tablet
    download(page)
    page.evaluate("""CoursepackOutbox.keep({client_id: 'f'.repeat(32), url: '/courses/x/y/z', fields: {go: 'next'}})""")
    shells = "caches.keys().then(names => names.filter(n => n.startsWith('coursepack-shell-')))"
    before = page.evaluate(shells)
    live_server.app.config["RELEASE"] = "a-new-release"  # what COURSEPACK_RELEASE does on a deployment
    try:
        page.evaluate("""navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => new Promise(done => {
            const r = navigator.serviceWorker; r.addEventListener('controllerchange', done); setTimeout(done, 8000); }))""")
        for _ in range(100):  # the new worker stores its shell, takes over, then drops the old shell
            if page.evaluate(shells) == ["coursepack-shell-a-new-release"]:
                break
            page.wait_for_timeout(100)
    finally:
        live_server.app.config["RELEASE"] = ""
    assert page.evaluate(shells) == ["coursepack-shell-a-new-release"] != before
    assert page.evaluate("CoursepackOutbox.all().then(items => items.map(i => i.client_id))") == ["f" * 32]
    assert page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('coursepack-block:')).length)") == 1
