"""cmi5 packages of the bundled courses: a course structure valid against the official XSD, the
LMS told to wait for what the quizzes decide, every file there, nothing for trainers only.

Playing a package against a stand-in LMS and LRS is tests/browser/test_cmi5_package.py.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from blocks.load import Loader
from blocks.model import Block, Course, Quiz, QuizKind
from exporter.cmi5 import cmi5_zip, course_structure, export_cmi5
from player.cli import main as cli
from tests.conftest import COURSES
from tests.exporter.package_checks import REQUESTS, facilitator_texts, files

SCHEMA = Path(__file__).parent / "schemas" / "cmi5" / "CourseStructure.xsd"  # vendored: schemas/cmi5/SOURCE.md
NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
BUNDLED = [Loader().course(COURSES / name) for name in ("core-blocks", "resilience", "protection-in-crisis", "sample")]


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))


def problems(structure: bytes) -> list[str]:
    """What the official cmi5 schema finds wrong with a course structure ([] when it is valid)."""
    checker = schema()
    if checker.validate(etree.fromstring(structure, etree.XMLParser(no_network=True))):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


def aus(structure: bytes) -> dict[str, etree._Element]:
    """The AUs of a course structure by the folder they launch from."""
    found = etree.fromstring(structure).findall("c:au", NS)
    return {au.findtext("c:url", namespaces=NS).split("/")[0]: au for au in found}


@pytest.mark.parametrize("course", BUNDLED, ids=[course.id for course in BUNDLED])
def test_every_bundled_course_has_a_valid_structure_with_one_au_per_block(course: Course) -> None:
    package = files(cmi5_zip(course, course.blocks))
    structure = package["cmi5.xml"]
    assert problems(structure) == []
    found = aus(structure)
    assert list(found) == [block.id for block in course.blocks]
    for block in course.blocks:
        url = found[block.id].findtext("c:url", namespaces=NS)
        assert url == f"{block.id}/index.html" and url in package, "a relative launch URL of a file in the package"
    ids = [au.get("id") for au in found.values()] + [etree.fromstring(structure).find("c:course", NS).get("id")]
    assert len(set(ids)) == len(ids), "the course and each AU have ids of their own"


def test_the_schema_check_can_fail() -> None:
    course = BUNDLED[0]
    structure = course_structure(course, course.blocks).encode()
    assert problems(structure.replace(b'moveOn="Passed"', b'moveOn="Finished"', 1))  # not a moveOn value
    assert problems(structure.replace(b'masteryScore="0.80"', b'masteryScore="80"', 1))  # a percent, not scaled
    assert problems(re.sub(rb"<url>[^<]*</url>", b"", structure, count=1))  # an AU without a launch URL
    assert problems(structure.replace(b"<description>", b"<summary>", 1).replace(b"</description>", b"</summary>", 1))


def _without_quizzes(block: Block, keep: tuple[QuizKind, ...] = ()) -> Block:
    sections = tuple(section for section in block.sections
                     if all(quiz.kind in keep for quiz in section.nodes(Quiz)))
    return dataclasses.replace(block, sections=sections)


def test_move_on_and_mastery_score_follow_the_quizzes() -> None:
    """Passed where a check quiz or final test has a pass mark to reach; the pass mark as the
    masteryScore only where one counted quiz decides (block D has two, with 70 and 80)."""
    core = BUNDLED[0]
    a, d = core.blocks[0], core.blocks[3]
    pretest_only = dataclasses.replace(_without_quizzes(a, keep=(QuizKind.PRETEST,)), id="pretest-only")
    reading = dataclasses.replace(_without_quizzes(a), id="reading")
    assert pretest_only.quizzes and not reading.quizzes
    structure = course_structure(core, [a, d, pretest_only, reading]).encode()
    assert problems(structure) == []
    found = {block: (au.get("moveOn"), au.get("masteryScore")) for block, au in aus(structure).items()}
    assert found == {
        "a-cultural-sensitivity": ("Passed", "0.80"),
        "d-safeguarding": ("Passed", None),
        "pretest-only": ("Completed", None),  # a pre-test is scored but decides nothing
        "reading": ("Completed", None),
    }


@pytest.mark.parametrize("course", BUNDLED, ids=[course.id for course in BUNDLED])
def test_every_file_is_there_and_no_facilitator_note(course: Course) -> None:
    package = files(cmi5_zip(course, course.blocks))
    for block in course.blocks:
        mine = {name.removeprefix(f"{block.id}/"): data for name, data in package.items() if name.startswith(f"{block.id}/")}
        assert {"index.html", "data.js", "runtime.js", "package.css"} <= set(mine)
        page = mine["index.html"].decode()
        for found in REQUESTS.finditer(page):
            target = next(group for group in found.groups() if group) if any(found.groups()) else found[0]
            assert not re.match(r"(?:[a-z]+:)?//|/", target.strip("'\" ")), f"{block.id} asks for {target}"
            assert target.strip("'\" ") in mine or target.startswith("#"), f"{block.id} asks for {target}, not in its folder"
        assert '"version":"cmi5"' in mine["data.js"].decode(), "the runtime reports through cmi5"
        text = " ".join(" ".join(data.decode("utf-8", "replace").split()) for name, data in mine.items() if not name.startswith("media/"))
        for note in facilitator_texts(block):
            assert note not in text, f"a facilitator note reached the package: {note!r}"
        assert "facilitator" not in page.lower()


def test_a_package_speaks_the_language_asked() -> None:
    package = files(export_cmi5(COURSES / "core-blocks", ["a-cultural-sensitivity"], "uk").data)
    assert sorted(aus(package["cmi5.xml"])) == ["a-cultural-sensitivity"]
    assert b'<langstring lang="uk">' in package["cmi5.xml"] and b'lang="en"' not in package["cmi5.xml"]
    assert '<html lang="uk"' in package["a-cultural-sensitivity/index.html"].decode()


def test_the_command_writes_a_package_and_explains_mistakes(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "core.zip"
    result = runner.invoke(cli, ["export", "cmi5", str(COURSES / "core-blocks"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "cmi5" in result.output
    package = files(target.read_bytes())
    assert problems(package["cmi5.xml"]) == [] and len(aus(package["cmi5.xml"])) == 4
    some = runner.invoke(cli, ["export", "cmi5", str(COURSES / "core-blocks"), "--block", "d-safeguarding", "--block", "b-impact-on-children", "-o", str(target)])
    assert some.exit_code == 0, some.output
    assert list(aus(files(target.read_bytes())["cmi5.xml"])) == ["d-safeguarding", "b-impact-on-children"]
    wrong = runner.invoke(cli, ["export", "cmi5", str(COURSES / "core-blocks"), "--block", "nope", "-o", str(target)])
    assert wrong.exit_code != 0 and "has no block 'nope'" in wrong.output
    untranslated = runner.invoke(cli, ["export", "cmi5", str(COURSES / "core-blocks"), "--lang", "xx", "-o", str(target)])
    assert untranslated.exit_code != 0 and "is not offered in 'xx'" in untranslated.output
