"""Chromium opens every hostile media URL as a signed-in learner, and no script runs in the
player's origin (issue 13, items 1 and 2). The files appear after the player loaded its content,
with reload off as in production, so it is the media route's own rule that is tested, not only
`validate`'s."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import request
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from player import create_app
from player.store.migrate import upgrade
from player.web import db
from tests.browser.conftest import SECRET, new_email, sign_up
from tests.conftest import COURSES

SCRIPT = "window.pwned = 1; fetch('/account/data.json').then(r => r.text()).then(t => { window.stolen = t; });"
HOSTILE = {
    "page.html": '<html><body><script src="x.js"></script><script>window.pwned = 1</script></body></html>',
    "page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><body><script src="x.js"/></body></html>',
    "pic.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script href="x.js"/><script>window.pwned = 1</script></svg>',
    "x.js": SCRIPT,
    "photo.PNG.html": '<script src="x.js"></script>',
    # allowed types whose content is HTML: served as what the name says, never sniffed
    "notes.txt": '<html><script>window.pwned = 1</script></html>',
    "fake.png": '<html><script>window.pwned = 1</script></html>',
    "fake.svg.png": '<svg xmlns="http://www.w3.org/2000/svg"><script>window.pwned = 1</script></svg>',
}
LINKS = {"sym.png": "x.js", "sym.html": "page.html"}
BASE = "/courses/core-blocks/a-cultural-sensitivity/media/"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    folder = tmp_path_factory.mktemp("hostile")
    courses = folder / "courses"
    shutil.copytree(COURSES, courses)
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'hostile.db'}", "COURSES_DIR": courses,
                      "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": False, "CONTENT_RELOAD": False})
    requested: list[str] = []
    app.before_request(lambda: requested.append(request.path))
    with app.app_context():
        upgrade(db.engine())
    app.test_client().get("/")  # loaded and checked before the files arrive
    media = courses / "core-blocks" / "a-cultural-sensitivity" / "media"
    media.mkdir()
    for name, body in HOSTILE.items():
        (media / name).write_text(body, encoding="utf-8")
    for name, target in LINKS.items():
        (media / name).symlink_to(media / target)
    (media / "up").symlink_to(folder)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requested
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["coursepack_engine"].dispose()


@pytest.fixture
def learner(browser: Browser, hostile_server: tuple[str, list[str]]) -> Iterator[Page]:
    context = browser.new_context(base_url=hostile_server[0], accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_up(page, new_email())
    yield page
    context.close()


def test_no_media_url_runs_script_for_a_signed_in_learner(learner: Page, hostile_server: tuple[str, list[str]]) -> None:
    _url, requested = hostile_server
    for name in [*HOSTILE, *LINKS, "up/hostile.db"]:
        del requested[:]
        response = learner.goto(BASE + name)
        assert response is not None
        learner.wait_for_timeout(200)  # time for a script, had one run, to fetch
        ran = learner.evaluate("() => [window.pwned, window.stolen]")
        assert ran == [None, None], f"{name} ran script"
        assert "/account/data.json" not in requested, name
        assert BASE + "x.js" not in requested[1:], f"{name} loaded x.js"
        if name in ("notes.txt", "fake.png", "fake.svg.png"):
            assert response.status == 200
            assert response.headers["content-security-policy"].startswith("sandbox")
            assert response.headers["x-content-type-options"] == "nosniff"
        else:
            assert response.status == 404, name
