"""An LTI launch inside an LMS's iframe, in Chromium: the LMS page (on another site, localhost,
than the player's 127.0.0.1) frames the tool's login URL; its auth endpoint posts the id_token
back; the learner lands on the block signed in and moves through it inside the frame, which
works only with the launch's SameSite=None session cookie and the LMS allowed as frame ancestor.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from player.domain import lti
from player.web import db
from tests.browser.conftest import LiveServer
from tests.player.lti_platform import CLIENT_ID, DEPLOYMENT, Platform
from tests.player.test_learning import BLOCK

pytestmark = pytest.mark.browser
ISSUER = "https://browser-lms.example.org"


@pytest.fixture
def lms(live_server: LiveServer) -> Iterator[Platform]:
    platform = Platform(host="localhost", issuer=ISSUER)
    with live_server.app.app_context(), db.writing() as write:
        lti.add_platform(write, lti.Registration("Browser LMS", ISSUER, CLIENT_ID, f"{platform.url}/auth",
                                                 f"{platform.url}/token", f"{platform.url}/jwks", (DEPLOYMENT,)))
    yield platform
    platform.close()


def test_a_launch_inside_the_lms_iframe_lands_signed_in_on_the_block(page: Page, live_server: LiveServer, lms: Platform) -> None:
    login = f"{live_server.url}/lti/login?" + urlencode({"iss": ISSUER, "login_hint": "hint", "client_id": CLIENT_ID})
    page.goto(f"{lms.url}/course?" + urlencode({"login": login}))
    tool = page.frame_locator("iframe[title=tool]")
    expect(tool.get_by_role("heading", level=1)).to_have_text(BLOCK.title)
    expect(tool.get_by_role("button", name="Sign out")).to_be_visible()  # signed in: no second sign-up
    tool.get_by_role("link", name="Start").or_(tool.get_by_role("link", name="Resume")).first.click()
    expect(tool.locator("main h1, main h2").first).to_be_visible()
    frame = next(f for f in page.frames if f.url.startswith(live_server.url))
    assert f"/courses/sample/{BLOCK.id}/" in frame.url and "/signin" not in frame.url
