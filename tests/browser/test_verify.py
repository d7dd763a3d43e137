"""Checking a paper certificate on a phone: type the code at /verify/, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from player.store.models import Certificate
from player.web import db
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
CODE = "Paper-7Q2X94KD"


@pytest.fixture(scope="module")
def certificate(live_server: LiveServer) -> str:
    with live_server.app.app_context(), db.writing() as write:
        write.add(Certificate(code=CODE, course_id="core-blocks", block_id="a-cultural-sensitivity", name="Ana Paper",
                              title="Cultural sensitivity", hours=0.92, minutes=55, mode="online"))
    return CODE


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  java_script_enabled=request.param)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_code_typed_from_paper_shows_the_certificate(phone: Page, certificate: str) -> None:
    phone.goto("/verify/")
    phone.get_by_label("Verification code").fill(f" {certificate} ")
    phone.get_by_role("button", name="Check").click()
    expect(phone).to_have_url(f"{phone.url.split('/verify/')[0]}/verify/{certificate}")
    expect(phone.get_by_role("status")).to_contain_text("genuine")
    expect(phone.locator("main")).to_contain_text("Ana Paper")
    expect(phone.locator("main")).to_contain_text("55 minutes")
    expect(phone.locator("main")).to_contain_text("Self-paced online")


def test_a_wrong_code_says_so_and_offers_the_form_again(phone: Page) -> None:
    phone.goto("/verify/")
    phone.get_by_label("Verification code").fill("nothing-like-it")
    phone.get_by_role("button", name="Check").click()
    expect(phone.get_by_role("alert")).to_contain_text("nothing-like-it")
    phone.get_by_role("link", name="Check another code").click()
    expect(phone.get_by_label("Verification code")).to_be_visible()


@pytest.mark.parametrize("url", ["/verify/", f"/verify/{CODE}"])
def test_the_verification_pages_have_no_axe_violations(page: Page, certificate: str, url: str) -> None:
    page.goto(url)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
