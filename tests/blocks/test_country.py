"""Country notes (blocks.country): the bundled ones are valid and translated, every fact is
marked to be checked locally, numbers never stand unmarked, and a translation cannot unmark one."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from blocks import catalogues
from blocks.country import (
    VERIFY, available, catalogue_view, check_notes, country_for, note_units, notes_folder, read_note,
)
from blocks.model import Report
from player.cli import main

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = notes_folder(ROOT / "courses")

NOTE = """\
---
country: zz
title: "Country note: Testland"
lang: en
version: 1
checked: 2026-12-04
checked_by: the test suite
languages: [uk]
---

What a worker in Testland needs. The law changed in 2024; marriage is allowed from 18.

## Bodies {#bodies}

| Body | What it does |
|---|---|
| Child protection office | Protects children. [verify] |

## Numbers {#numbers}

| Service | Number |
|---|---|
| Emergency | 112 [verify] |
"""


def write_note(root: Path, text: str = NOTE, code: str = "zz") -> Path:
    path = root / "countries" / code / "note.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(report: Report) -> list[str]:
    return [d.code for d in report.errors]


def test_the_bundled_notes_are_valid_and_translated_into_their_languages() -> None:
    report = Report()
    assert check_notes(COUNTRIES, report) == 3 and report.items == []
    assert available(COUNTRIES) == ["bg", "mk", "ua"]
    for code, lang in (("mk", "mk"), ("ua", "uk"), ("bg", "bg")):
        note = catalogue_view(COUNTRIES / code / "note.md", report)
        assert note is not None and note.languages == (lang,)
        status = catalogues.catalogue_status(note, note_units(note.source.read_text(encoding="utf-8"), note.source), lang)
        assert status.complete, status


def test_every_fact_is_marked_and_blank_numbers_stay_blank() -> None:
    """No number in a bundled note stands without a mark; unknown numbers are dotted blanks."""
    for code in available(COUNTRIES):
        text = (COUNTRIES / code / "note.md").read_text(encoding="utf-8")
        rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| Body", "| Situation", "| Rule", "| Part", "| Service"))]
        assert rows and all(VERIFY in row for row in rows), code
        assert "........................" in text, f"{code} has no blank left for a number to check locally"


def test_a_valid_note_reads_with_its_front_matter(tmp_path: Path) -> None:
    report = Report()
    note = read_note(write_note(tmp_path), report)
    assert report.items == [] and note is not None
    assert (note.id, note.country, note.title, note.languages, str(note.checked)) == ("country-zz", "zz", "Country note: Testland", ("uk",), "2026-12-04")
    assert '<h2 id="bodies">Bodies</h2>' in note.html and VERIFY in note.html


def test_an_unmarked_fact_or_phone_number_is_an_error(tmp_path: Path) -> None:
    text = NOTE.replace("Protects children. [verify]", "Protects children.").replace(
        "What a worker in Testland needs.", "Call 0 800 500 335 for help. What a worker in Testland needs.")
    report = Report()
    read_note(write_note(tmp_path, text), report)
    assert sorted(codes(report)) == ["unverified-fact", "unverified-number"]
    assert "0 800 500 335 looks like a phone number" in str(report.errors)
    assert all(d.line > 9 for d in report.errors), "body problems name their line in the file"


def test_the_front_matter_is_checked_and_the_body_still_is(tmp_path: Path) -> None:
    text = NOTE.replace("country: zz", "country: ZZ").replace("lang: en", "lang: ua").replace("checked_by: the test suite\n", "")
    text = text.replace("## Numbers {#numbers}", "## Numbers")
    report = Report()
    assert read_note(write_note(tmp_path, text), report) is None
    assert sorted(codes(report)) == ["bad-country", "bad-lang", "missing-id", "missing-key"]


def test_a_note_in_the_wrong_folder_is_refused(tmp_path: Path) -> None:
    report = Report()
    read_note(write_note(tmp_path, code="yy"), report)
    assert codes(report) == ["bad-country"] and "'yy'" in report.errors[0].message


def test_a_translation_that_drops_a_mark_is_refused_and_falls_back(tmp_path: Path) -> None:
    path = write_note(tmp_path)
    note = catalogue_view(path, Report())
    assert note is not None
    units = note_units(path.read_text(encoding="utf-8"), path)
    catalogues.update_catalogue(note, units, "uk")
    catalogue = polib.pofile(str(catalogues.catalogue_path(path, "uk")), wrapwidth=0)
    for entry in catalogue:
        entry.msgstr = {"Protects children. [verify]": "Захищає дітей.", "Bodies": "Органи",
                        "Emergency": "Екстрена допомога"}.get(entry.msgid, "")
    catalogue.save()
    assert catalogues.catalogue_status(note, units, "uk").invalid == 1
    translated = read_note(path, Report(), "uk")
    assert translated is not None and (translated.lang, translated.source_lang) == ("uk", "en")
    assert "Органи" in translated.html and "Захищає" not in translated.html
    assert 'lang="en" class="untranslated">Protects children. [verify]' in translated.html
    assert 0 < translated.coverage < 1


def test_a_language_without_a_catalogue_reads_in_the_source(tmp_path: Path) -> None:
    note = read_note(write_note(tmp_path), Report(), "bg")
    assert note is not None and (note.lang, note.source_lang, note.coverage) == ("en", "", 1.0)


@pytest.mark.parametrize(("country", "lang", "chosen"), [
    (None, "mk", "mk"), (None, "uk", "ua"), (None, "bg", "bg"), (None, "en", None), (None, "mul", None),
    ("ua", "en", "ua"), ("none", "uk", None),
])
def test_the_country_is_the_one_asked_for_else_the_language_s(country: str | None, lang: str, chosen: str | None) -> None:
    assert country_for(country, lang) == chosen


def test_validate_checks_the_notes_of_a_courses_folder(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "courses" / "sample", tmp_path / "sample")
    write_note(tmp_path, NOTE.replace("Protects children. [verify]", "Protects children."))
    runner = CliRunner()
    for target in (tmp_path, tmp_path / "countries", tmp_path / "countries" / "zz" / "note.md"):
        result = runner.invoke(main, ["validate", str(target)])
        assert result.exit_code == 1 and "unverified-fact" in result.output, (target, result.output)


def test_translate_commands_work_on_the_country_notes(tmp_path: Path) -> None:
    write_note(tmp_path)
    runner, env = CliRunner(), {"COURSEPACK_COURSES": str(tmp_path)}
    updated = runner.invoke(main, ["translate", "update", "countries"], env=env)
    assert updated.exit_code == 0, updated.output
    assert (tmp_path / "countries" / "zz" / "locales" / "uk.po").is_file()
    assert not (tmp_path / "countries" / "zz" / "locales" / "mk.po").exists(), "only the languages the note lists"
    status = runner.invoke(main, ["translate", "status", "countries"], env=env)
    assert "country-zz" in status.output and "0%" in status.output
    assert runner.invoke(main, ["translate", "check", "countries", "--lang", "uk"], env=env).exit_code == 1
    bundled = {"COURSEPACK_COURSES": str(ROOT / "courses")}
    for lang in ("mk", "uk", "bg"):
        assert runner.invoke(main, ["translate", "check", "countries", "--lang", lang], env=bundled).exit_code == 0


def test_a_notes_numbers_are_never_units_and_a_translation_cannot_change_one(tmp_path: Path) -> None:
    """Emergency numbers in a safeguarding pack: a number cell or a dotted blank is not a unit at
    all, and a unit with a number in it keeps each number exactly (an invented one is refused too)."""
    path = write_note(tmp_path, NOTE.replace("| Emergency | 112 [verify] |", "| Emergency | 112 | [verify] |\n"
                                             "| Helpline | ........ | [verify] |\n| Call 116 111 free | [verify] | x |"))
    units = note_units(path.read_text(encoding="utf-8"), path)
    sources = {u.source for u in units}
    assert "112" not in sources and "........" not in sources and "Call 116 111 free" in sources
    by_source = {u.source: u for u in units}
    assert by_source["Call 116 111 free"].problem("Телефонуйте 116 112 безкоштовно")
    assert by_source["Call 116 111 free"].problem("Телефонуйте 116 111 безкоштовно") is None
    assert by_source["Helpline"].problem("Гаряча лінія 0800 11 466")  # a blank is not filled in by translating
    assert "marriage is allowed from 18" in next(s for s in sources if s.startswith("What a worker"))
    assert by_source[next(s for s in sources if s.startswith("What a worker"))].problem(
        "Що потрібно працівнику. Закон змінився у 2023 році; шлюб дозволено з 18.")
