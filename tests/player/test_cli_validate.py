"""`coursepack validate [PATH ...] [--format text|json]` as SPEC section 8 fixes it for scripts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from player.cli import main

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"
INVALID = ROOT / "tests" / "blocks" / "invalid"
TEXT_LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+): (?P<code>[a-z][a-z0-9-]*): (?P<message>\S.*)")


def validate(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def expected(case: Path) -> list[tuple[int, str]]:
    """(line, code) pairs of a bad case's .expected file (see tests/blocks/test_blocks_invalid.py)."""
    pairs = []
    for raw in case.with_suffix(".expected").read_text(encoding="utf-8").splitlines():
        if not raw.startswith(">") and (line := raw.split("#", 1)[0].strip()):  # "> text" lines are about the message
            number, code = line.split()[:2]
            pairs.append((int(number), code))
    return sorted(pairs)


# -- the bundled content ----------------------------------------------------------------------
def test_bundled_courses_have_no_errors_and_no_warnings() -> None:
    result = validate(str(COURSES))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert re.fullmatch(r"checked \d+ course\(s\), \d+ block\(s\): 0 error\(s\), 0 warning\(s\)\n", result.stderr)


def test_bundled_courses_as_json() -> None:
    result = validate(str(COURSES), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"errors": [], "warnings": []}


def test_the_installed_command_on_the_bundled_courses() -> None:
    command = Path(sys.executable).parent / "coursepack"
    result = subprocess.run([str(command), "validate", "courses/"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 error(s), 0 warning(s)" in result.stderr
    blocks = int(re.search(r"(\d+) block\(s\)", result.stderr)[1])  # type: ignore[index]
    on_disk = sorted(p.parent.name for p in COURSES.glob("*/*/block.md"))
    assert blocks == len(on_disk), f"a block folder no course lists is never validated: {on_disk}"


def test_without_paths_it_checks_the_courses_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSEPACK_COURSES", str(COURSES))
    result = validate()
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.stderr

    monkeypatch.setenv("COURSEPACK_COURSES", str(INVALID / "courses"))
    assert validate().exit_code == 1


# -- bad content ------------------------------------------------------------------------------
def test_errors_exit_1_with_one_line_each() -> None:
    case = INVALID / "several-problems.md"
    result = validate(str(case))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    parsed = [TEXT_LINE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    assert {m["path"] for m in parsed} == {os.path.relpath(case)}  # type: ignore[index]
    assert sorted((int(m["line"]), m["code"]) for m in parsed) == expected(case)  # type: ignore[index]
    assert [int(m["line"]) for m in parsed] == sorted(int(m["line"]) for m in parsed)  # type: ignore[index]
    assert "5 error(s), 0 warning(s)" in result.stderr


def test_warnings_alone_exit_0_and_are_marked() -> None:
    case = INVALID / "agenda-gap.md"
    result = validate(str(case))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [  # text lines name files relative to the working directory
        f"{os.path.relpath(case)}:1: agenda-gap: the activities add up to 60 of 90 minutes, leaving 30 unplanned: "
        "#talk 30 (line 14) + #practice 30 (line 18) = 60; add activities or lower duration (warning)"
    ]
    assert "0 error(s), 1 warning(s)" in result.stderr


def test_json_report_shape() -> None:
    errors_case, warning_case = INVALID / "single-correct.md", INVALID / "agenda-gap.md"
    result = validate(str(errors_case), str(warning_case), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"errors", "warnings"}
    for item in (*report["errors"], *report["warnings"]):
        assert set(item) == {"path", "line", "code", "message"}
        assert isinstance(item["path"], str) and isinstance(item["line"], int)
        assert isinstance(item["code"], str) and item["message"]
    assert sorted((e["line"], e["code"]) for e in report["errors"]) == expected(errors_case)
    assert {e["path"] for e in report["errors"]} == {str(errors_case)}
    assert [(w["path"], w["line"], w["code"]) for w in report["warnings"]] == [(str(warning_case), 1, "agenda-gap")]


def test_a_bad_course_folder() -> None:
    folder = INVALID / "courses" / "course-problems"
    result = validate(str(folder), "--format", "json")
    assert result.exit_code == 1
    codes = sorted(e["code"] for e in json.loads(result.stdout)["errors"])
    assert codes == ["bad-id", "bad-lang", "bad-value", "bad-value", "missing-file", "unknown-key"]


def test_a_path_that_does_not_exist() -> None:
    missing = str(ROOT / "no-such-course")
    result = validate(missing)
    assert result.exit_code == 1
    assert result.stdout == f"{os.path.relpath(missing)}:0: missing-file: no such file or folder\n"

    report = json.loads(validate(missing, "--format", "json").stdout)
    assert report == {"errors": [{"path": missing, "line": 0, "code": "missing-file", "message": "no such file or folder"}], "warnings": []}


def test_one_bad_path_among_good_ones_still_fails() -> None:
    result = validate(str(COURSES), str(INVALID / "multiple-none.md"))
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["multiple-correct"]


# -- the interface ----------------------------------------------------------------------------
def test_help() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "[PATHS]..." in result.stdout
    assert "--format [text|json]" in result.stdout
    assert "Exit 0 when there are no errors" in result.stdout

    top = CliRunner().invoke(main, ["--help"])
    assert top.exit_code == 0 and "validate" in top.stdout


def test_an_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", str(COURSES), "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr
