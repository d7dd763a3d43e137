"""SCORM packages played in a real runtime: scorm-again (npm) in Debian's Chromium.

A launcher page puts scorm-again's API in the window above the package's frame, as an LMS does,
and a local endpoint receives its commits. Every API call is followed by GetLastError, which
must say "0". Loopback only; the package makes no other request (the test server fails on any
path it does not know).
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from blocks.load import Loader
from blocks.scoring import correct_response
from exporter.package import shown_order
from exporter.scorm import scorm_zip
from tests.browser.package_learner import answer_quiz, fill, go_to, step_of, walk
from tests.conftest import COURSES

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "node_modules" / "scorm-again" / "dist"
API_CALLS = {
    "1.2": ("API", "Scorm12API", "scorm12.js", ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"], "LMSGetLastError"),
    "2004": ("API_1484_11", "Scorm2004API", "scorm2004.js", ["Initialize", "Terminate", "GetValue", "SetValue", "Commit"], "GetLastError"),
}
LAUNCHER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/runtime/{script}"></script>
<script>
  var real = new {api_class}({{lmsCommitUrl: "/commit", autocommit: false, logLevel: 5{settings}}});
  var saved = {saved};
  if (saved) {{ real.loadFromJSON(saved); }}
  window.calls = [];
  window.{api_name} = {{}};
  {calls}.forEach(function (name) {{
    window.{api_name}[name] = function () {{
      var result = real[name].apply(real, arguments);
      window.calls.push([name, arguments[0], String(real.{last_error}()), arguments[1]]);
      return result;
    }};
  }});
  window.{api_name}.{last_error} = function () {{ return real.{last_error}(); }};
  window.real = real;
</script></head>
<body><iframe id="sco" src="/package/index.html" style="width:100%;height:90vh"></iframe></body></html>"""


@dataclass
class Lms:
    """The stand-in LMS: the launcher, the package, scorm-again, and the commits received."""

    url: str
    folder: Path
    commits: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def install(self, package: bytes, version: str, saved: dict[str, Any] | None = None, settings: str = "") -> None:
        target = self.folder / "package"
        if target.exists():
            for path in sorted(target.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
        zipfile.ZipFile(io.BytesIO(package)).extractall(target)
        api_name, api_class, script, calls, last_error = API_CALLS[version]
        (self.folder / "launch.html").write_text(LAUNCHER.format(
            script=script, api_class=api_class, api_name=api_name, calls=json.dumps(calls), last_error=last_error,
            saved=json.dumps(saved), settings=settings), encoding="utf-8")


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lms]:
    if not (RUNTIME / "scorm12.js").is_file():
        pytest.skip("SCORM runtime tests skipped: node_modules/scorm-again is missing (make install runs npm ci)")
    folder = tmp_path_factory.mktemp("lms")
    found = Lms("", folder)

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            clean = path.split("?")[0]
            if clean.startswith("/runtime/"):
                return str(RUNTIME / clean.removeprefix("/runtime/"))
            return str(folder / clean.lstrip("/"))

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not Path(self.translate_path(self.path)).is_file():
                found.unknown.append(self.path)
            super().do_GET()

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            found.commits.append(json.loads(body or b"{}"))  # the final commit may come as text/plain
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"result": true, "errorCode": 0}')

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found.url = f"http://127.0.0.1:{server.server_port}"
    yield found
    server.shutdown()


@pytest.fixture(scope="module")
def core() -> Any:
    return Loader().course(COURSES / "core-blocks")


def launch(browser: Browser, lms: Lms) -> tuple[Page, Frame]:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{lms.url}/launch.html")
    frame = page.frame_locator("#sco")
    frame.locator(".step:not([hidden])").first.wait_for()
    return page, page.frames[1]


def cmi(page: Page, element: str) -> str:
    return page.evaluate(f"String(window.real.GetValue ? window.real.GetValue('{element}') : window.real.LMSGetValue('{element}'))")


def last_set(page: Page, element: str) -> str | None:
    """The value the package last wrote to a (perhaps write-only) element."""
    written = [call[3] for call in page.evaluate("window.calls") if call[0] in ("LMSSetValue", "SetValue") and call[1] == element]
    return written[-1] if written else None


def errors(page: Page) -> list[list[str]]:
    return [call for call in page.evaluate("window.calls") if call[2] != "0"]


# -- the tests ---------------------------------------------------------------------------------
def test_right_answers_pass_block_a_in_scorm_12(browser: Browser, lms: Lms, core: Any) -> None:
    block = core.blocks[0]
    lms.install(scorm_zip(core, block, version="1.2"), "1.2")
    page, frame = launch(browser, lms)
    walk(frame, block, right=True)
    assert page.evaluate("window.real.cmi.core.lesson_status") == "passed"
    assert float(page.evaluate("window.real.cmi.core.score.raw")) == 100
    assert page.evaluate("window.real.cmi.core.score.max") == "100"
    assert last_set(page, "cmi.core.exit") == ""  # completed: nothing to resume
    assert errors(page) == []
    page.close()  # pagehide: the package commits and finishes
    final = lms.commits[-1]["cmi"]["core"]
    assert final["lesson_status"] == "passed" and float(final["score"]["raw"]) == 100
    assert not lms.unknown, f"the package asked for what it does not have: {lms.unknown}"


def test_wrong_answers_fail_block_a_in_scorm_12_and_every_call_succeeds(browser: Browser, lms: Lms, core: Any) -> None:
    block = core.blocks[0]
    lms.install(scorm_zip(core, block, version="1.2"), "1.2")
    page, frame = launch(browser, lms)
    walk(frame, block, right=False)
    assert page.evaluate("window.real.cmi.core.lesson_status") == "failed"
    assert float(page.evaluate("window.real.cmi.core.score.raw")) == 0
    calls = page.evaluate("window.calls")
    assert [c[0] for c in calls].count("LMSInitialize") == 1
    assert errors(page) == []
    assert not any(c[0] == "LMSSetValue" and not c[1].startswith("cmi.core.") and c[1] != "cmi.suspend_data" for c in calls), \
        "SCORM 1.2 mode writes only 1.2 elements"
    suspend = page.evaluate("window.real.cmi.suspend_data")
    assert 0 < len(suspend) <= 4096
    page.close()


def test_leaving_midway_and_coming_back_keeps_the_step_and_the_answers(browser: Browser, lms: Lms, core: Any) -> None:
    block = core.blocks[0]
    check = next(q for q in block.quizzes if q.attempts)
    step = step_of(block, check)
    lms.install(scorm_zip(core, block, version="1.2"), "1.2")
    page, frame = launch(browser, lms)
    go_to(frame, step)
    first = check.questions[0]
    fill(frame, check, first, correct_response(first))  # typed, not submitted
    assert page.evaluate("window.real.cmi.core.lesson_status") == "incomplete"
    assert last_set(page, "cmi.core.exit") == "suspend"
    page.close()  # the learner leaves
    saved = lms.commits[-1]
    assert "cmi" in saved, saved.keys()
    saved["cmi"]["core"]["entry"] = "resume"  # what the LMS says on the next launch after exit=suspend
    lms.install(scorm_zip(core, block, version="1.2"), "1.2", saved=saved)
    page, frame = launch(browser, lms)
    assert frame.locator(".step:not([hidden])").get_attribute("data-step") == str(step)
    form = frame.locator(f"#quiz-{check.id}")
    shown = list(shown_order(first, check.shuffle))
    picked = [shown[int(box.get_attribute("value"))] for box in form.locator(f'input[name="{first.id}"]').all() if box.is_checked()]
    expected = correct_response(first)
    assert picked == ([expected["choice"]] if "choice" in expected else expected["choices"])
    assert errors(page) == []
    page.close()


def test_a_failed_try_with_tries_left_stays_incomplete_where_the_mastery_score_overrides_status(
        browser: Browser, lms: Lms, core: Any) -> None:
    """Moodle's SCORM 1.2 player, by default, sets the status from score.raw and the manifest's
    mastery score at LMSFinish: a score written before the block was completed turned one failed
    try of three into 'failed' and ended the attempt. scorm-again does the same with
    mastery_override; the score waits for the block's completion."""
    block = core.blocks[0]
    check = next(q for q in block.quizzes if q.attempts and q.attempts > 1)
    package = scorm_zip(core, block, version="1.2")
    assert b"<adlcp:masteryscore>" in zipfile.ZipFile(io.BytesIO(package)).read("imsmanifest.xml")
    lms.install(package, "1.2", saved={"cmi": {"student_data": {"mastery_score": "80"},
                                               "core": {"credit": "credit", "lesson_mode": "normal"}}},
                settings=", mastery_override: true")
    page, frame = launch(browser, lms)
    go_to(frame, step_of(block, check))
    answer_quiz(frame, check, right=False)
    assert last_set(page, "cmi.core.score.raw") is None
    page.close()  # the learner leaves: LMSFinish
    final = lms.commits[-1]["cmi"]["core"]
    assert final["lesson_status"] == "incomplete" and final["exit"] == "suspend", final


def test_scorm_2004_keeps_completion_and_success_apart(browser: Browser, lms: Lms, core: Any) -> None:
    block = core.blocks[3]  # a final test and a check quiz
    lms.install(scorm_zip(core, block, version="2004"), "2004")
    page, frame = launch(browser, lms)
    go_to(frame, 1)
    assert page.evaluate("window.real.cmi.completion_status") == "incomplete"
    assert page.evaluate("window.real.cmi.success_status") == "unknown"
    walk(frame, block, right=True)
    assert page.evaluate("window.real.cmi.completion_status") == "completed"
    assert page.evaluate("window.real.cmi.success_status") == "passed"
    assert float(page.evaluate("window.real.cmi.score.scaled")) == 1
    calls = page.evaluate("window.calls")
    assert not any(c[0] == "SetValue" and c[1].startswith("cmi.core.") for c in calls), "2004 mode writes only 2004 elements"
    assert errors(page) == []
    page.close()


def test_every_question_type_scores_as_the_server_does(browser: Browser, lms: Lms) -> None:
    """The sample block has one question of every scored type: all right is 100, all wrong 0."""
    sample = Loader().course(COURSES / "sample")
    block = sample.blocks[0]
    quiz = next(q for q in block.quizzes if q.attempts)
    lms.install(scorm_zip(sample, block, version="1.2"), "1.2")
    page, frame = launch(browser, lms)
    go_to(frame, step_of(block, quiz))
    answer_quiz(frame, quiz, right=False)
    assert "0%" in frame.locator(f"#quiz-{quiz.id} .quiz-status").inner_text()
    answer_quiz(frame, quiz, right=True)
    assert "100%" in frame.locator(f"#quiz-{quiz.id} .quiz-status").inner_text()
    assert errors(page) == []
    page.close()
