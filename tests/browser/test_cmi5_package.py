"""cmi5 packages played against a stand-in LMS in Debian's Chromium.

A small LMS on loopback does what cmi5 asks of one: it reads `cmi5.xml`, writes the
`LMS.LaunchData` state document (context template with the session id and the publisher id,
launch mode, moveOn, masteryScore), records "launched", and launches the AU with the five launch
parameters. Its fetch URL answers with a token once and with an error after that; its LRS is a
minimal statement and state store that checks the token on every request. The statements are
checked with Learning Locker's validator (@learninglocker/xapi-validation, from package-lock.json).
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page

from blocks.load import Loader
from blocks.scoring import correct_response
from exporter.cmi5 import cmi5_zip
from exporter.package import shown_order
from tests.browser.package_learner import fill, go_to, step_of, walk
from tests.conftest import COURSES

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "node_modules" / "@learninglocker" / "xapi-validation"
VERBS = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/"
SESSION_ID = CMI5 + "extensions/sessionid"
CATEGORY, MOVE_ON = CMI5 + "categories/cmi5", CMI5 + "categories/moveon"
NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "learner-42"}}


class StandInLms:
    """The package's files, a one-time fetch URL, and an LRS keeping statements and state documents."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.token = base64.b64encode(b"au-key:au-secret").decode()
        self.fetches = 0
        self.preferences = 0  # reads of the learner's preferences (cmi5LearnerPreferences)
        self.statements: list[dict[str, Any]] = []
        self.documents: dict[tuple[str, str, str], Any] = {}
        self.refused: list[str] = []  # requests the LMS had to refuse: each one is a failure of the AU
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def install(self, package: bytes) -> dict[str, etree._Element]:
        """Unzip a package where the LMS serves it; its AUs by the folder they launch from."""
        target = self.folder / "package"
        shutil.rmtree(target, ignore_errors=True)
        zipfile.ZipFile(io.BytesIO(package)).extractall(target)
        found = etree.parse(str(target / "cmi5.xml")).getroot().findall("c:au", NS)
        return {au.findtext("c:url", namespaces=NS).split("/")[0]: au for au in found}

    def launch_url(self, au: etree._Element, registration: str, mode: str = "Normal") -> str:
        """What an LMS does before a launch: LaunchData written, "launched" recorded; then the URL."""
        # The LMS's own id for the AU, not the publisher's, the same on every launch.
        activity = f"https://lms.example.org/activities/{uuid.uuid5(uuid.NAMESPACE_URL, au.get('id'))}"
        session = str(uuid.uuid4())
        self.fetches = self.preferences = 0
        data = {
            "contextTemplate": {"contextActivities": {"grouping": [{"id": au.get("id")}]}, "extensions": {SESSION_ID: session}},
            "launchMode": mode, "moveOn": au.get("moveOn"), "returnURL": f"{self.url}/done",
        }
        if au.get("masteryScore"):
            data["masteryScore"] = float(au.get("masteryScore"))
        self.documents[(activity, registration, "LMS.LaunchData")] = data
        context = json.loads(json.dumps(data["contextTemplate"]))
        context["registration"] = registration
        context["contextActivities"]["category"] = [{"id": CATEGORY}]
        context["extensions"].update({CMI5 + "extensions/launchmode": mode, CMI5 + "extensions/moveon": au.get("moveOn"),
                                      CMI5 + "extensions/launchurl": f"{self.url}/package/{au.findtext('c:url', namespaces=NS)}"})
        self.statements.append({"id": str(uuid.uuid4()), "actor": ACTOR, "verb": {"id": VERBS + "launched", "display": {"en-US": "launched"}},
                                "object": {"id": activity, "objectType": "Activity"}, "context": context,
                                "timestamp": datetime.now(timezone.utc).isoformat()})
        query = urlencode({"endpoint": f"{self.url}/lrs/", "fetch": f"{self.url}/fetch?k={uuid.uuid4().hex}",
                           "actor": json.dumps(ACTOR), "registration": registration, "activityId": activity})
        return f"{self.url}/package/{au.findtext('c:url', namespaces=NS)}?{query}"

    def session(self, activity: str, session: str) -> list[dict[str, Any]]:
        """The statements of one AU session, in the order of their timestamps."""
        with self.lock:
            mine = [s for s in self.statements if s["object"]["id"] == activity and s["context"]["extensions"].get(SESSION_ID) == session]
        return sorted(mine, key=lambda s: s["timestamp"])

    def wait_for(self, verb: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if any(s["verb"]["id"] == VERBS + verb for s in self.statements):
                    return
            time.sleep(0.05)
        raise AssertionError(f"no {verb!r} statement arrived; verbs: {[s['verb']['id'] for s in self.statements]}")


def _handler(lms: StandInLms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Basic {lms.token}" or self.headers.get("X-Experience-API-Version") != "1.0.3":
                lms.refused.append(f"{self.command} {self.path}: no token or no xAPI version")
                self._answer(401)
                return False
            return True

        def _state_key(self) -> tuple[str, str, str]:
            query = {name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()}
            assert json.loads(query["agent"]) == ACTOR, query["agent"]
            return query["activityId"], query["registration"], query["stateId"]

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = urlsplit(self.path).path
            if path.startswith("/lrs/activities/state"):
                if self._authorised():
                    key = self._state_key()
                    self._answer(200, lms.documents[key]) if key in lms.documents else self._answer(404)
                return
            if path.startswith("/lrs/agents/profile"):
                if self._authorised():
                    assert parse_qs(urlsplit(self.path).query)["profileId"] == ["cmi5LearnerPreferences"]
                    lms.preferences += 1
                    self._answer(404)  # no preferences set
                return
            if path == "/done":  # the returnURL: back in the LMS
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<!DOCTYPE html><title>LMS</title><p>Back in the LMS</p>")
                return
            if path == "/favicon.ico":  # the browser's own request for a top-level page, not the package's
                self._answer(404)
                return
            file = (lms.folder / path.lstrip("/")).resolve()
            if not file.is_relative_to(lms.folder / "package") or not file.is_file():
                lms.refused.append(f"GET {self.path}: not in the package")
                self._answer(404)
                return
            data = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path == "/fetch":
                lms.fetches += 1
                if lms.fetches == 1:
                    self._answer(200, {"auth-token": lms.token})
                else:
                    self._answer(200, {"error-code": "1", "error-text": "The authorization token has already been returned."})
            elif path == "/lrs/statements" and self._authorised():
                received = json.loads(body)
                with lms.lock:
                    lms.statements.extend(received if isinstance(received, list) else [received])
                self._answer(200, [s["id"] for s in received])
            elif path != "/lrs/statements":
                lms.refused.append(f"POST {self.path}")
                self._answer(404)

        def do_PUT(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not urlsplit(self.path).path.startswith("/lrs/activities/state") or not self._authorised():
                return
            key = self._state_key()
            if key[2] == "LMS.LaunchData":
                lms.refused.append("the AU tried to change LMS.LaunchData")
                self._answer(403)
                return
            lms.documents[key] = json.loads(body)
            self._answer(204)
    return Handler


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandInLms]:
    found = StandInLms(tmp_path_factory.mktemp("cmi5-lms"))
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture(scope="module")
def core() -> Any:
    return Loader().course(COURSES / "core-blocks")


def launch(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    page.locator(".step:not([hidden])").first.wait_for()
    return page


def params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def validation_problems(statements: list[dict[str, Any]], tmp_path: Path) -> list[list[str]]:
    if shutil.which("node") is None or not VALIDATOR.exists():
        pytest.skip("node or @learninglocker/xapi-validation missing: run make (npm ci)")
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(statements))
    script = ("const v = require('@learninglocker/xapi-validation').default;"
              "const all = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
              "console.log(JSON.stringify(all.map(s => v(s).map(w => w.path.join('.') + ': ' + w.message))));")
    result = subprocess.run(["node", "-e", script, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def played(browser: Browser, lms: StandInLms, core: Any, right: bool) -> tuple[list[dict[str, Any]], dict[str, str], str]:
    """Block A launched from a course package, every step walked, each quiz answered, the page
    closed; the session's statements, the launch parameters and the session id."""
    block = core.blocks[0]
    au = lms.install(cmi5_zip(core, core.blocks))[block.id]
    registration = str(uuid.uuid4())
    url = lms.launch_url(au, registration)
    page = launch(browser, url)
    page.get_by_text("Your progress is saved in your learning platform.").wait_for()
    walk(page.main_frame, block, right=right)
    page.close()  # pagehide: the AU sends terminated
    lms.wait_for("terminated")
    launch_params = params(url)
    session = lms.documents[(launch_params["activityId"], registration, "LMS.LaunchData")]["contextTemplate"]["extensions"][SESSION_ID]
    return lms.session(launch_params["activityId"], session), launch_params, session


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERBS) for s in statements]


def categories(statement: dict[str, Any]) -> set[str]:
    return {activity["id"] for activity in statement["context"]["contextActivities"].get("category", [])}


def test_right_answers_send_initialized_completed_passed_terminated(browser: Browser, lms: StandInLms, core: Any, tmp_path: Path) -> None:
    lms.statements.clear()
    statements, launch_params, session = played(browser, lms, core, right=True)
    assert verbs(statements) == ["launched", "initialized", "completed", "passed", "terminated"]
    assert lms.fetches == 1, "the fetch URL is POSTed exactly once"
    assert lms.preferences == 1, "the learner's preferences are read at startup"
    assert lms.refused == []
    publisher = "urn:coursepack:core-blocks:a-cultural-sensitivity"
    for statement in statements[1:]:
        assert statement["actor"] == ACTOR
        assert statement["object"]["id"] == launch_params["activityId"]
        assert statement["context"]["registration"] == launch_params["registration"]
        assert statement["context"]["extensions"][SESSION_ID] == session
        assert {"id": publisher} in statement["context"]["contextActivities"]["grouping"], "the context template kept"
        assert CATEGORY in categories(statement)
        assert (MOVE_ON in categories(statement)) == (statement["verb"]["id"] in (VERBS + "completed", VERBS + "passed"))
        assert statement["timestamp"].endswith("Z")
    assert len({s["timestamp"] for s in statements}) == len(statements), "the order is the timestamps' order"
    completed, passed, terminated = statements[2:]
    assert completed["result"]["completion"] is True and "score" not in completed["result"]
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1
    assert passed["context"]["extensions"][CMI5 + "extensions/masteryscore"] == 0.8
    assert all(s["result"]["duration"].startswith("PT") for s in (completed, passed, terminated))
    assert validation_problems(statements, tmp_path) == [[] for _ in statements]


def test_wrong_answers_send_failed(browser: Browser, lms: StandInLms, core: Any, tmp_path: Path) -> None:
    lms.statements.clear()
    statements, _, _ = played(browser, lms, core, right=False)
    assert verbs(statements) == ["launched", "initialized", "completed", "failed", "terminated"]
    failed = statements[3]
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] == 0
    assert MOVE_ON in categories(failed)
    assert lms.fetches == 1 and lms.refused == []
    assert validation_problems(statements, tmp_path) == [[] for _ in statements]


def test_a_second_launch_in_the_registration_resumes_and_judges_once(browser: Browser, lms: StandInLms, core: Any) -> None:
    """Leave midway with an answer typed; the next launch is on the same step with the answer,
    and finishing then sends completed and passed; a third launch sends neither again."""
    lms.statements.clear()
    block = core.blocks[0]
    check = next(quiz for quiz in block.quizzes if quiz.attempts)
    au = lms.install(cmi5_zip(core, core.blocks))[block.id]
    registration = str(uuid.uuid4())
    page = launch(browser, lms.launch_url(au, registration))
    page.get_by_text("Your progress is saved in your learning platform.").wait_for()
    go_to(page.main_frame, step_of(block, check))
    first = check.questions[0]
    fill(page.main_frame, check, first, correct_response(first))  # typed, not submitted
    page.close()
    lms.wait_for("terminated")
    assert verbs(sorted(lms.statements, key=lambda s: s["timestamp"])) == ["launched", "initialized", "terminated"]

    lms.statements.clear()
    page = launch(browser, lms.launch_url(au, registration))
    page.get_by_text("Your progress is saved in your learning platform.").wait_for()
    page.locator(f'.step[data-step="{step_of(block, check)}"]:not([hidden])').wait_for()
    shown = list(shown_order(first, check.shuffle))
    boxes = page.locator(f'#quiz-{check.id} input[name="{first.id}"]').all()
    picked = [shown[int(box.get_attribute("value"))] for box in boxes if box.is_checked()]
    expected = correct_response(first)
    assert picked == ([expected["choice"]] if "choice" in expected else expected["choices"])
    walk(page.main_frame, block, right=True)
    page.close()
    lms.wait_for("terminated")
    assert verbs(sorted(lms.statements, key=lambda s: s["timestamp"])) == ["launched", "initialized", "completed", "passed", "terminated"]

    lms.statements.clear()
    page = launch(browser, lms.launch_url(au, registration))
    page.get_by_text("You have completed this block.").wait_for()  # what the progress document kept
    page.close()
    lms.wait_for("terminated")
    assert verbs(sorted(lms.statements, key=lambda s: s["timestamp"])) == ["launched", "initialized", "terminated"]
    assert lms.refused == []


def test_a_used_fetch_url_records_nothing_and_browse_mode_judges_nothing(browser: Browser, lms: StandInLms, core: Any) -> None:
    lms.statements.clear()
    block = core.blocks[0]
    au = lms.install(cmi5_zip(core, core.blocks))[block.id]
    url = lms.launch_url(au, str(uuid.uuid4()))
    lms.fetches = 1  # the token was handed out already (a reload, or a copied link)
    page = launch(browser, url)
    page.get_by_text("This page is not connected to a learning platform").wait_for()
    walk(page.main_frame, block, right=True)
    page.close()
    assert lms.fetches == 2 and verbs(lms.statements) == ["launched"]

    lms.statements.clear()
    page = launch(browser, lms.launch_url(au, str(uuid.uuid4()), mode="Browse"))
    page.get_by_text("Review mode: your answers are not recorded.").wait_for()
    go_to(page.main_frame, len(block.sections) - 1)  # every step seen, the quizzes closed: nothing to judge
    assert page.locator("form[id^=quiz-] button[type=submit]").first.is_disabled()
    page.close()
    lms.wait_for("terminated")
    assert verbs(sorted(lms.statements, key=lambda s: s["timestamp"])) == ["launched", "initialized", "terminated"]
    assert lms.refused == []


def test_exit_sends_terminated_once_and_returns_to_the_lms(browser: Browser, lms: StandInLms, core: Any) -> None:
    lms.statements.clear()
    block = core.blocks[1]
    au = lms.install(cmi5_zip(core, core.blocks))[block.id]
    page = launch(browser, lms.launch_url(au, str(uuid.uuid4())))
    page.get_by_text("Your progress is saved in your learning platform.").wait_for()
    page.get_by_role("button", name="Exit").click()
    page.get_by_text("Back in the LMS").wait_for()
    page.close()
    lms.wait_for("terminated")
    time.sleep(0.5)  # anything sent late would arrive now
    assert verbs(sorted(lms.statements, key=lambda s: s["timestamp"])) == ["launched", "initialized", "terminated"]
    assert lms.refused == []
