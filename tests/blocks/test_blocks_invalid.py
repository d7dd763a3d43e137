"""Each validation rule and each diagnostic code, proved by a minimal bad block or course.

`invalid/<name>.md` is checked with `<name>.expected` beside it; `invalid/courses/<name>/` is
a course folder checked with `invalid/courses/<name>.expected`. An expected file lists one
diagnostic a line, `LINE CODE` (or `PATH:LINE CODE` for courses, the path relative to the
course folder), with ` warning` after a warning; `#` starts a comment. The test asserts the
exact list, so a missing diagnostic, an extra one and a wrong line all fail. A line `> text`
under a diagnostic says that its message contains that text (what the author reads: the numbers,
the line to mend, the likely intended word).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from blocks.model import Diagnostic
from blocks.validate import validate_paths

HERE = Path(__file__).resolve().parent
INVALID = HERE / "invalid"
BLOCK_CASES = sorted(INVALID.glob("*.md"))
COURSE_CASES = sorted(p for p in (INVALID / "courses").iterdir() if p.is_dir())
BLOCKS_PACKAGE = HERE.parents[1] / "blocks"
_CODE = re.compile(r"[a-z]+(?:-[a-z]+)+")


def expected_lines(path: Path) -> list[str]:
    raw = (line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(">"))
    lines = (line.split("#", 1)[0].strip() for line in raw)
    return sorted(line for line in lines if line)


def expected_messages(path: Path) -> list[tuple[str, str]]:
    """Each `> text` line with the diagnostic line above it."""
    pairs: list[tuple[str, str]] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith(">"):
            pairs.append((current, raw[1:].strip()))
        elif line := raw.split("#", 1)[0].strip():
            current = line
    return pairs


def assert_messages(diagnostics: list[Diagnostic], expected: Path, relative_to: Path | None = None) -> None:
    for described, text in expected_messages(expected):
        messages = [d.message for d in diagnostics if describe(d, relative_to) == described]
        assert any(text in message for message in messages), f"{described}: {text!r} is not in {messages}"


def describe(diagnostic: Diagnostic, relative_to: Path | None = None) -> str:
    where = str(diagnostic.line)
    if relative_to is not None:
        where = f"{Path(diagnostic.path).relative_to(relative_to).as_posix()}:{diagnostic.line}"
    suffix = " warning" if diagnostic.severity == "warning" else ""
    return f"{where} {diagnostic.code}{suffix}"


@pytest.mark.parametrize("source", BLOCK_CASES, ids=[p.stem for p in BLOCK_CASES])
def test_bad_block_reports_exactly_what_is_expected(source: Path) -> None:
    courses, report, _ = validate_paths([source])
    assert courses == []
    assert {d.path for d in report.items} <= {str(source)}
    for diagnostic in report.items:
        assert diagnostic.message.strip(), f"{diagnostic.code} has no message"
    actual = sorted(describe(d) for d in report.items)
    assert actual == expected_lines(source.with_suffix(".expected"))
    assert_messages(report.items, source.with_suffix(".expected"))


@pytest.mark.parametrize("folder", COURSE_CASES, ids=[p.name for p in COURSE_CASES])
def test_bad_course_reports_exactly_what_is_expected(folder: Path) -> None:
    _, report, _ = validate_paths([folder])
    actual = sorted(describe(d, relative_to=folder) for d in report.items)
    assert actual == expected_lines(folder.with_suffix(".expected"))
    assert_messages(report.items, folder.with_suffix(".expected"), relative_to=folder)


def test_every_case_has_its_expectations() -> None:
    for case in (*BLOCK_CASES, *COURSE_CASES):
        expected = case.with_suffix(".expected")
        assert expected.is_file(), f"{case.name} has no {expected.name}"
        assert expected_lines(expected), f"{expected.name} expects nothing; a bad case must fail"


def emitted_codes() -> set[str]:
    """Every code passed to an `error(...)` or `warning(...)` call anywhere in blocks/.

    A code is the string argument that looks like `word-word`; keys and messages do not.
    """
    codes: set[str] = set()
    for module in BLOCKS_PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            name = getattr(node.func, "attr", getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
            if name in ("error", "warning"):
                codes.update(
                    arg.value for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _CODE.fullmatch(arg.value)
                )
    return codes


def test_the_code_scan_finds_the_codes() -> None:
    codes = emitted_codes()
    assert {"agenda-gap", "single-correct", "missing-media", "bad-encoding"} <= codes
    assert len(codes) > 40


def test_every_diagnostic_code_has_a_bad_case() -> None:
    covered = Counter(
        line.split()[1]
        for expected in INVALID.rglob("*.expected")
        for line in expected_lines(expected)
    )
    # missing-file for a path that does not exist at all is covered by the CLI tests too.
    assert sorted(emitted_codes() - set(covered)) == []


def test_agenda_gap_of_ten_minutes_is_fine_and_eleven_warns(minimal_block, tmp_path: Path) -> None:
    def codes(duration: int, minutes: int) -> list[str]:
        body = f"## Agenda {{#agenda}}\n\n::::activity {{#talk minutes={minutes}}}\nTalk.\n::::\n"
        path = tmp_path / f"{duration}-{minutes}.md"
        path.write_text(minimal_block(body, duration=duration), encoding="utf-8")
        return [f"{d.code} {d.severity}" for d in validate_paths([path])[1].items]

    assert codes(30, 30) == []
    assert codes(30, 20) == []
    assert codes(30, 19) == ["agenda-gap warning"]
    assert codes(30, 31) == ["agenda-too-long error"]
