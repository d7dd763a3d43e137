"""SCORM packages of the bundled courses: valid manifests, self-contained, nothing for trainers only.

Playing them in a real runtime is tests/browser/test_scorm_package.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from blocks.load import Loader
from blocks.model import Block, Course
from blocks.html import plain_text
from exporter.scorm import VERSIONS, course_zip, export_scorm, manifest_xml, scorm_zip
from player.cli import main as cli
from tests.conftest import COURSES
from tests.exporter.package_checks import REQUESTS, facilitator_texts, files
from tests.exporter.scorm_schemas import problems

BUNDLED = [Loader().course(COURSES / name) for name in ("core-blocks", "resilience", "protection-in-crisis", "sample")]
BLOCKS = [(course, block) for course in BUNDLED for block in course.blocks]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("course", "block"), BLOCKS, ids=[block.id for _, block in BLOCKS])
def test_every_bundled_block_has_a_valid_manifest_listing_every_file(course: Course, block: Block, version: str) -> None:
    package = files(scorm_zip(course, block, version=version))
    manifest = package["imsmanifest.xml"]
    assert problems(manifest, version) == []
    listed = set(re.findall(rb'<file href="([^"]+)"/>', manifest))
    assert listed == {name.encode() for name in package if name != "imsmanifest.xml"}
    assert not re.search(rb'href="(?:[a-z]+:|/)', manifest), "no absolute or remote URL in the manifest"


@pytest.mark.parametrize("version", VERSIONS)
def test_the_schema_check_can_fail(version: str) -> None:
    course, block = BLOCKS[0]
    manifest = manifest_xml(course, block, ["index.html"], version=version).encode()
    assert problems(manifest.replace(b'"sco"', b'"page"'), version)  # not a SCORM type
    assert problems(manifest.replace(b"<title>", b"<name>", 1).replace(b"</title>", b"</name>", 1), version)


@pytest.mark.parametrize(("course", "block"), BLOCKS, ids=[block.id for _, block in BLOCKS])
def test_no_facilitator_note_and_no_request_outside_the_package(course: Course, block: Block) -> None:
    package = files(scorm_zip(course, block))
    text = " ".join(" ".join(data.decode("utf-8", "replace").split()) for name, data in package.items() if not name.startswith("media/"))
    notes = facilitator_texts(block)
    assert notes or block.id == "every-construct", "the check needs notes to look for"
    for note in notes:
        assert note not in text, f"a facilitator note reached the package: {note!r}"
    assert "facilitator" not in package["index.html"].decode().lower()
    for name in ("index.html", "package.css"):
        for found in REQUESTS.finditer(package[name].decode()):
            target = next(group for group in found.groups() if group) if any(found.groups()) else found[0]
            assert not re.match(r"(?:[a-z]+:)?//|/", target.strip("'\" ")), f"{name} asks for {target}"
            assert target.strip("'\" ") in package or target.startswith("#"), f"{name} asks for {target}, not in the package"


def test_answers_are_in_the_data_file_only() -> None:
    """No option feedback or explanation in the page, and no field that names a right answer."""
    course, block = BLOCKS[0]
    package = files(scorm_zip(course, block))
    page = " ".join(plain_text(package["index.html"].decode()).split())
    data = json.loads(package["data.js"].decode().removeprefix("window.COURSEPACK = ").rstrip().removesuffix(";"))
    kept = {q["id"]: q for quiz in data["quizzes"] for q in quiz["questions"]}
    for question in (q for quiz in block.quizzes for q in quiz.questions):
        for text in [option.feedback_html for option in question.options] + [question.explanation_html]:
            if text:
                assert " ".join(plain_text(text).split()) not in page
        assert kept[question.id]["explanation"] == question.explanation_html
        if question.options:  # revealed after the quiz: the right options themselves, never a letter of the source order
            assert kept[question.id]["answer"] == "; ".join(o.html for o in question.options if o.correct)
    assert "correct" not in package["index.html"].decode()


def test_a_package_speaks_the_language_asked() -> None:
    package = files(export_scorm(COURSES / "core-blocks", ["a-cultural-sensitivity"], "uk").data)
    page = package["index.html"].decode()
    assert '<html lang="uk"' in page and "Надіслати відповіді" in page  # "Submit answers"
    assert "Крок" in package["data.js"].decode() or "Крок" in page


def test_several_blocks_give_a_zip_of_packages() -> None:
    course = BUNDLED[0]
    outer = files(course_zip(course, course.blocks[:2], version="2004"))
    assert sorted(outer) == ["a-cultural-sensitivity-en-scorm2004.zip", "b-impact-on-children-en-scorm2004.zip"]
    assert "imsmanifest.xml" in files(outer["a-cultural-sensitivity-en-scorm2004.zip"])


def test_the_command_writes_a_package_and_explains_mistakes(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "a.zip"
    result = runner.invoke(cli, ["export", "scorm", str(COURSES / "core-blocks"), "--block", "a-cultural-sensitivity", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "SCORM 1.2" in result.output
    assert b"<schemaversion>1.2</schemaversion>" in files(target.read_bytes())["imsmanifest.xml"]
    wrong = runner.invoke(cli, ["export", "scorm", str(COURSES / "core-blocks"), "--block", "nope", "-o", str(target)])
    assert wrong.exit_code != 0 and "has no block 'nope'" in wrong.output
    untranslated = runner.invoke(cli, ["export", "scorm", str(COURSES / "core-blocks"), "--lang", "xx", "-o", str(target)])
    assert untranslated.exit_code != 0 and "is not offered in 'xx'" in untranslated.output
