"""Fixtures for exporter tests.

WeasyPrint is slow on a small machine, so most tests render a one-block course of a few pages;
the bundled core-blocks pack is rendered once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import exporter.pack
from exporter.cache import PackCache
from exporter.pack import PackRequest, build_pack, build_packs
from exporter.pdf import Rendered
from tests.exporter.helpers import ENGLISH, ISSUED, REPO, Pdf, TinyExport, write_course


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test caches into its own folder, never into the working tree's instance/."""
    root = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("COURSEPACK_CACHE", str(root))
    return root


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the HTML instead of rendering it: these tests are about the command, not the layout."""
    rendered: list[str] = []

    def render(html: str, roots: tuple[Path, ...], base: Path) -> Rendered:
        rendered.append(html)
        return Rendered(b"%PDF-1.7 fake", 7, 0.5)

    monkeypatch.setattr(exporter.pack, "render_pdf", render)
    return rendered


@pytest.fixture(scope="session")
def tiny_export(tmp_path_factory: pytest.TempPathFactory) -> TinyExport:
    """Trainer and participant pack of the one-block English course, rendered in parallel once."""
    root = tmp_path_factory.mktemp("tiny")
    folder = write_course(root, [ENGLISH])
    requests = [PackRequest(folder, issued=ISSUED), PackRequest(folder, participant=True, issued=ISSUED)]
    cache, progress = PackCache(root / "cache"), []
    results = build_packs(requests, cache=cache, progress=progress.append)
    return TinyExport(requests, results, progress, cache)


@pytest.fixture(scope="session")
def tiny_packs(tiny_export: TinyExport) -> dict[str, Pdf]:
    trainer, participant = (Pdf(result.path.read_bytes()) for result in tiny_export.results)
    return {"trainer": trainer, "participant": participant}


@pytest.fixture(scope="session")
def core_pack(tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """The bundled core-blocks trainer pack: the one big render of the session."""
    cache = PackCache(tmp_path_factory.mktemp("core"))
    result = build_pack(PackRequest(REPO / "courses" / "core-blocks", issued=ISSUED), cache=cache)
    return Pdf(result.path.read_bytes())

