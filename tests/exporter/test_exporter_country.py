"""The country note in a pack: printed with --country, chosen by the pack's language otherwise,
refused clearly when it is unknown or has errors, and part of the cache key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cache import PackCache
from exporter.pack import ExportError, PackRequest, build_pack, prepare
from player.cli import main
from tests.exporter.helpers import ENGLISH, ISSUED, REPO, UKRAINIAN, Pdf, write_course


def course_with_notes(root: Path, blocks: list[dict[str, str]]) -> Path:
    """A one-course courses folder with the bundled country notes beside the course."""
    shutil.copytree(REPO / "courses" / "countries", root / "courses" / "countries")
    return write_course(root / "courses", blocks)


def test_a_pack_with_country_prints_the_note_in_its_annex(tmp_path: Path) -> None:
    folder = course_with_notes(tmp_path, [ENGLISH])
    result = build_pack(PackRequest(folder, country="ua", issued=ISSUED), cache=PackCache(tmp_path / "cache"))
    text = Pdf(result.path.read_bytes()).text.replace("\n", " ")
    for printed in ("Annex 2: Country note", "Country note: Ukraine", "Last checked: 4 December 2026",
                    "Service for children's affairs", "116 111", "check locally",
                    "The annex “Country note: Ukraine” names the national bodies"):
        assert printed in text, printed


def test_the_note_follows_the_pack_s_language_unless_asked_otherwise(tmp_path: Path) -> None:
    folder = course_with_notes(tmp_path, [ENGLISH, UKRAINIAN])
    ukrainian = prepare(PackRequest(folder, blocks=(UKRAINIAN["id"],), issued=ISSUED)).html
    assert 'id="annex-country"' in ukrainian and "Довідка про країну: Україна" in ukrainian
    assert "Служба у справах дітей територіальної громади" in ukrainian and "перевірте на місці" in ukrainian
    english = prepare(PackRequest(folder, blocks=(ENGLISH["id"],), issued=ISSUED)).html
    assert 'id="annex-country"' not in english, "an English pack has no country of its own"
    chosen = prepare(PackRequest(folder, blocks=(ENGLISH["id"],), country="bg", issued=ISSUED)).html
    assert "Country note: Bulgaria" in chosen and 'lang="en"' in chosen.split('class="country-note"')[1][:20]
    none = prepare(PackRequest(folder, blocks=(UKRAINIAN["id"],), country="none", issued=ISSUED)).html
    assert 'id="annex-country"' not in none


def test_a_language_s_country_without_a_note_leaves_it_out(tmp_path: Path) -> None:
    folder = write_course(tmp_path, [UKRAINIAN])
    assert 'id="annex-country"' not in prepare(PackRequest(folder, issued=ISSUED)).html


def test_an_unknown_country_is_a_clear_error(tmp_path: Path, fake_render: list[str]) -> None:
    folder = course_with_notes(tmp_path, [ENGLISH])
    result = CliRunner().invoke(main, ["export", "pack", str(folder), "--country", "xx", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and fake_render == []
    assert "no country note 'xx'" in result.stderr and "(notes there: bg, mk, ua)" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_note_with_errors_stops_the_export(tmp_path: Path) -> None:
    folder = course_with_notes(tmp_path, [ENGLISH])
    note = tmp_path / "courses" / "countries" / "mk" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("| 192 | [verify] |", "| 192 | |"), encoding="utf-8")
    with pytest.raises(ExportError, match="unverified-fact"):
        prepare(PackRequest(folder, country="mk"))


def test_a_changed_note_renders_the_pack_again(tmp_path: Path, fake_render: list[str]) -> None:
    folder = course_with_notes(tmp_path, [ENGLISH])
    cache = PackCache(tmp_path / "cache")
    request = PackRequest(folder, country="bg", issued=ISSUED)
    assert not build_pack(request, cache=cache).cached
    assert build_pack(request, cache=cache).cached
    note = tmp_path / "courses" / "countries" / "bg" / "note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("| 166 |", "| ...... |"), encoding="utf-8")
    assert not build_pack(request, cache=cache).cached and len(fake_render) == 2
