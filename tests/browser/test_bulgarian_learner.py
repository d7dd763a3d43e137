"""A Bulgarian learner walks a resilience block in Bulgarian: catalogue, block, quiz, result, certificate, verification."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from blocks.build import translated_block
from blocks.load import Loader
from blocks.scoring import correct_response
from tests.browser.conftest import LiveServer, answer_quiz, new_email, sign_up
from tests.conftest import COURSES

pytestmark = pytest.mark.browser

COURSE = Loader().course(COURSES / "resilience")
BLOCK = next(b for b in COURSE.blocks if b.id == "r4-wellness")
BG_BLOCK, _ = translated_block(BLOCK, "bg")
QUIZ = BG_BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BG_BLOCK.sections if s.nodes(type(QUIZ)))
FINISH = "Край"
BG_COURSE_TITLE = "Устойчивост и благополучие за работещите на първа линия"


def _plain(html: str) -> str:
    """Text of a rendered fragment, to find it on the page."""
    return re.sub(r"<[^>]+>", "", html).strip()


def test_the_catalogue_and_a_resilience_block_speak_bulgarian(page: Page, live_server: LiveServer) -> None:
    assert BG_BLOCK.title != BLOCK.title  # the block's own Bulgarian title, from its catalogue
    sign_up(page, new_email(), name="Мария Петрова")

    page.goto("/")
    page.get_by_role("link", name="Български").click()  # the language picker
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Курсове")
    page.get_by_role("link", name=BG_COURSE_TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(BG_COURSE_TITLE)
    page.get_by_role("link", name=BG_BLOCK.title).click()

    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", level=1)).to_have_text(BG_BLOCK.title)
    expect(page.locator(".crumbs")).to_have_text(BG_COURSE_TITLE)
    expect(page.locator(".note.draft")).to_contain_text("Работен превод")  # a draft, marked in Bulgarian
    page.get_by_role("link", name="Започни").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(BG_BLOCK.sections[0].title)
    expect(page.get_by_role("button", name="Напред")).to_be_visible()
    expect(page.locator(".coverage")).to_have_count(0)  # fully translated: no coverage note, no marks

    page.goto(f"/courses/{COURSE.id}/{BLOCK.id}/{QUIZ_STEP}")
    expect(page.get_by_role("heading", level=2)).to_have_text("Проверете наученото")
    expect(page.get_by_text(_plain(QUIZ.questions[0].stem_html)[:40])).to_be_visible()
    answer_quiz(page, QUIZ, {q.id: correct_response(q) for q in QUIZ.questions})
    page.get_by_role("button", name="Изпрати отговорите").click()

    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", name="Вашият резултат")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"100\s?%"))
    expect(page.get_by_role("link", name="Обратно към стъпката")).to_be_visible()

    # On to the end of the block, the certificate and its verification page: still in Bulgarian.
    page.goto(f"/courses/{COURSE.id}/{BLOCK.id}/{BG_BLOCK.sections[0].id}")
    while page.get_by_role("button", name="Напред").count():
        page.get_by_role("button", name="Напред").click()
    page.get_by_role("button", name=FINISH).click()
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    with page.expect_download() as download:
        page.get_by_role("button", name="Изтеглете сертификата си").click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert BG_BLOCK.title in " ".join(text.split()) and "Мария Петрова" in text
    code = re.search(r"certificate-([^.]+)\.pdf", download.value.suggested_filename)[1]  # type: ignore[index]
    page.goto(f"/verify/{code}")
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.locator("main")).to_contain_text(BG_BLOCK.title)
