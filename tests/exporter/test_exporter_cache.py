"""The export cache: an unchanged pack is not rendered again; any change to its inputs is."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

import exporter.pack
from exporter.cache import PackCache, cache_root
from exporter.pack import PackRequest, build_pack, build_packs, export_pack
from exporter.pdf import Rendered
from tests.exporter.helpers import ENGLISH, ISSUED, Pdf, TinyExport, write_course


class CountingRenderer:
    """Stands in for WeasyPrint: the cache logic is what is tested, and it must be fast."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, html: str, roots: tuple[Path, ...], base: Path) -> Rendered:
        self.calls += 1
        return Rendered(f"%PDF-1.7 fake {self.calls}".encode(), 3, 0.01)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> CountingRenderer:
    renderer = CountingRenderer()
    monkeypatch.setattr(exporter.pack, "render_pdf", renderer)
    return renderer


@pytest.fixture
def request_(tmp_path: Path) -> PackRequest:
    return PackRequest(write_course(tmp_path, [ENGLISH]), issued=ISSUED)


def test_an_unchanged_pack_comes_from_the_cache(request_: PackRequest, renders: CountingRenderer, tmp_path: Path) -> None:
    cache = PackCache(tmp_path / "cache")
    first, second = build_pack(request_, cache=cache), build_pack(request_, cache=cache)
    assert renders.calls == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.path == first.path and second.pages == 3
    assert second.path.read_bytes() == b"%PDF-1.7 fake 1"


def test_a_changed_source_file_is_rendered_again(request_: PackRequest, renders: CountingRenderer, tmp_path: Path) -> None:
    cache = PackCache(tmp_path / "cache")
    build_pack(request_, cache=cache)
    source = request_.course / ENGLISH["id"] / "block.md"
    source.write_text(source.read_text(encoding="utf-8").replace("A short introduction", "A longer introduction"), encoding="utf-8")
    assert not build_pack(request_, cache=cache).cached
    (request_.course / ENGLISH["id"] / "media" / "room.png").write_bytes(b"new media")
    assert not build_pack(request_, cache=cache).cached
    assert renders.calls == 3


def test_every_option_is_part_of_the_key(request_: PackRequest, renders: CountingRenderer, tmp_path: Path) -> None:
    cache = PackCache(tmp_path / "cache")
    variants = [
        request_, replace(request_, participant=True), replace(request_, lang="en"),
        replace(request_, blocks=(ENGLISH["id"],)), replace(request_, allow_incomplete=True),
        replace(request_, issued=ISSUED.replace(day=15)),
    ]
    assert not any(build_pack(variant, cache=cache).cached for variant in variants)
    assert all(build_pack(variant, cache=cache).cached for variant in variants)
    assert renders.calls == len(variants)


def test_a_course_that_became_invalid_is_refused_even_after_a_good_export(request_: PackRequest, renders: CountingRenderer, tmp_path: Path) -> None:
    cache = PackCache(tmp_path / "cache")
    build_pack(request_, cache=cache)
    source = request_.course / ENGLISH["id"] / "block.md"
    source.write_text(source.read_text(encoding="utf-8").replace("minutes=20", "minutes=200"), encoding="utf-8")
    with pytest.raises(exporter.pack.ValidationFailed):
        build_pack(request_, cache=cache)


def test_the_player_entry_point_uses_the_configured_cache(request_: PackRequest, renders: CountingRenderer, private_cache: Path) -> None:
    assert cache_root() == private_cache
    first = export_pack(request_.course, participant=True)
    assert export_pack(request_.course, participant=True) == first
    assert renders.calls == 1
    assert len(list((private_cache / "packs").glob("*.pdf"))) == 1


def test_a_trainer_and_participant_pair_renders_in_parallel_processes(tiny_export: TinyExport, tiny_packs: dict[str, Pdf]) -> None:
    """Real renders in spawned workers, progress on the way; a second round is all cache hits."""
    assert not any(result.cached for result in tiny_export.results)
    assert "FACILITATOR-ONLY" in tiny_packs["trainer"].text and "FACILITATOR-ONLY" not in tiny_packs["participant"].text
    lines = tiny_export.progress
    assert sorted(lines[:2]) == ["rendering tiny (source language)...", "rendering tiny (source language, participant)..."]
    assert any(re.fullmatch(r"tiny \(source language\): \d+ pages in \d+\.\d s", line) for line in lines)
    again = build_packs(tiny_export.requests, cache=tiny_export.cache)
    assert all(result.cached for result in again)
    assert [r.path for r in again] == [r.path for r in tiny_export.results]
