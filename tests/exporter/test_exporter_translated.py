"""Packs in a target language (SPEC 7 and 10): complete, refused when incomplete, or covered."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from blocks.catalogues import catalogue_path
from exporter.pack import ExportError, export_pack
from player.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(ROOT / "courses" / "sample", target)
    return target


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _forget(course: Path, context: str) -> None:
    """Empty the translations of one container, as if the translator had not reached it."""
    path = catalogue_path(course / "every-construct" / "block.md", "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        if entry.msgctxt == context:
            entry.msgstr = ""
    catalogue.save(str(path))


def test_a_complete_translation_prints_in_that_language(course: Path) -> None:
    text = _text(export_pack(course, lang="uk"))
    uk = polib.pofile(str(catalogue_path(course / "every-construct" / "block.md", "uk")))
    facilitator = next(e.msgstr for e in uk if e.msgid == "Keep the introduction to two minutes.")
    assert facilitator[:25] in text.replace("\n", " ")
    assert "Keep the introduction to two minutes" not in text
    assert "Зразковий курс" in text  # the course title from course.yaml's translations
    assert "--allow-incomplete" not in text  # no coverage page when complete


def test_missing_quiz_or_facilitator_units_are_refused(course: Path) -> None:
    _forget(course, "q-single")
    with pytest.raises(ExportError, match="incomplete.*--allow-incomplete"):
        export_pack(course, lang="uk")
    result = CliRunner().invoke(main, ["export", "pack", str(course), "--lang", "uk", "-o", str(course / "x.pdf")])
    assert result.exit_code != 0 and "--allow-incomplete" in result.output
    assert not (course / "x.pdf").exists()


def test_an_export_without_allow_incomplete_does_not_offer_it(course: Path) -> None:
    """A SCORM package has no such option and no coverage page: its refusal says only what to
    finish. GIFT has the option but no coverage page."""
    _forget(course, "q-single")
    runner = CliRunner()
    scorm = runner.invoke(main, ["export", "scorm", str(course), "--lang", "uk", "-o", str(course / "x.zip")])
    assert scorm.exit_code != 0 and "translation is incomplete" in scorm.output and "--allow-incomplete" not in scorm.output
    gift = runner.invoke(main, ["export", "gift", str(course), "--lang", "uk", "-o", str(course / "x.txt")])
    assert "--allow-incomplete to keep those units in the source language" in gift.output and "coverage page" not in gift.output


def test_a_language_the_course_does_not_offer_is_named_as_such(course: Path) -> None:
    with pytest.raises(ExportError, match=r"not offered in 'ua' \(did you mean 'uk'\?\); its languages \(course.yaml\) are: en, "):
        export_pack(course, lang="ua")


def test_allow_incomplete_prints_a_coverage_page_and_marks_fallbacks(course: Path) -> None:
    _forget(course, "q-single")
    text = _text(export_pack(course, lang="uk", allow_incomplete=True))
    assert "Цей пакет експортовано з параметром --allow-incomplete" in text  # the coverage page, in the pack's language
    assert "[en] Which first step builds trust" in text.replace("\n", " ")


def test_the_coverage_page_names_allow_incomplete_only_when_it_was_given(course: Path) -> None:
    _forget(course, "start")  # a facilitator note: a participant pack prints without it, and no option is needed
    text = _text(export_pack(course, lang="uk", participant=True)).replace("\n", " ")
    assert "Ще не перекладені частини" in text  # the coverage page is there, in Ukrainian
    assert "--allow-incomplete" not in text


def test_a_participant_pack_needs_no_facilitator_translation(course: Path) -> None:
    _forget(course, "start")  # the section-level facilitator note lives in section #start
    with pytest.raises(ExportError):
        export_pack(course, lang="uk")
    assert export_pack(course, lang="uk", participant=True)


def test_a_language_without_catalogues_is_refused(course: Path) -> None:
    listed = course / "course.yaml"  # offered, but no block has a catalogue for it yet
    listed.write_text(listed.read_text(encoding="utf-8").replace("languages: [en, mk, uk, bg]", "languages: [en, mk, uk, bg, sq]"), encoding="utf-8")
    with pytest.raises(ExportError, match="no 'sq' catalogue"):  # the sample has mk, uk and bg ones
        export_pack(course, lang="sq")


def test_the_pack_tells_the_participant_packs_command_with_the_same_language_and_blocks(course: Path) -> None:
    """A Bulgarian trainer told to run the command without --lang would print an English pack."""
    from datetime import date

    from blocks.build import translated_block
    from blocks.country import read_note, notes_folder
    from blocks.load import Loader
    from blocks.model import Report
    from exporter.html import PackPage

    sample = Loader().course(course)
    uk = translated_block(sample.blocks[0], "uk")[0]
    note = read_note(notes_folder(ROOT / "courses") / "ua" / "note.md", Report(), "uk")
    assert PackPage(sample, (uk,), False, date.today(), "uk", note).participant_command == \
        "coursepack export pack sample --lang uk --participant"
    assert PackPage(sample, (uk,), False, date.today(), "uk").participant_command == \
        "coursepack export pack sample --lang uk --country none --participant"
    core = Loader().course(ROOT / "courses" / "core-blocks")
    assert PackPage(core, core.blocks[:1], False, date.today(), "en").participant_command == \
        f"coursepack export pack core-blocks --block {core.blocks[0].id} --participant"
