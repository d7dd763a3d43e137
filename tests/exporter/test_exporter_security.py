"""SPEC section 11: WeasyPrint reads only the course's files and the exporter's assets, never the
network, and every refused URL is logged. Validation refuses such content before it gets this
far, so the renderer and its fetcher are also tested on their own with hostile input.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import exporter.html
import exporter.pack
from blocks.load import Loader
from exporter.cache import PackCache
from exporter.html import stylesheet_urls
from exporter.pack import ExportError, PackRequest, ValidationFailed, build_pack
from exporter.pdf import BlockedURL, SafeFetcher, StylesheetError, render_pdf
from tests.exporter.helpers import ENGLISH, ISSUED, Pdf, write_course

SECRET = "SECRET-OUTSIDE-THE-COURSE"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="0" y="30" font-family="DejaVu Sans">{}</text></svg>'


class Loopback:
    """A web server on 127.0.0.1 that records every request and would serve readable text."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                seen.append(self.path)
                body = SVG.format("LOOPBACK-TEXT").encode()
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                """Quiet: the test reads `requests` instead."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """An image outside every allowed folder whose text would be extractable if it were drawn."""
    path = tmp_path / "outside" / "secret.svg"
    path.parent.mkdir()
    path.write_text(SVG.format(SECRET), encoding="utf-8")
    return path


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "ok.svg").write_text(SVG.format("INSIDE-TEXT"), encoding="utf-8")
    return folder


def test_fetcher_reads_files_inside_the_course(course_dir: Path) -> None:
    response = SafeFetcher([course_dir]).fetch((course_dir / "media" / "ok.svg").as_uri())
    assert b"INSIDE-TEXT" in response.read()


def test_fetcher_refuses_and_logs_everything_else(course_dir: Path, secret: Path, loopback: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    (course_dir / "media" / "link.svg").symlink_to(secret)
    urls = [
        "file:///etc/passwd",
        secret.as_uri(),
        (course_dir / "media" / ".." / ".." / "outside" / "secret.svg").as_uri(),
        (course_dir / "media" / "link.svg").as_uri(),
        (course_dir / "media" / "missing.svg").as_uri(),
        "file://example.org/etc/passwd",
        f"{loopback.url}/pixel.svg",
        "https://example.org/pixel.svg",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "media/ok.svg",
    ]
    fetcher = SafeFetcher([course_dir])
    with caplog.at_level(logging.WARNING, logger="coursepack.exporter.fetch"):
        for url in urls:
            with pytest.raises(BlockedURL):
                fetcher.fetch(url)
    assert fetcher.blocked == urls
    assert [record.getMessage().split(":")[0] for record in caplog.records] == [f"blocked {url}".split(":")[0] for url in urls]
    assert all(url in caplog.text for url in urls)
    assert loopback.requests == []


def test_a_refused_stylesheet_stops_the_render(course_dir: Path, loopback: Loopback) -> None:
    fetcher = SafeFetcher([course_dir])
    for url in (f"{loopback.url}/print.css", "file:///etc/print.css", (course_dir / "missing.css").as_uri()):
        with pytest.raises(StylesheetError):
            fetcher.fetch(url)
    assert loopback.requests == []


def hostile_html(secret: Path, loopback: Loopback) -> str:
    links = "".join(f'<link rel="stylesheet" href="{url}">' for url in stylesheet_urls())
    return f"""<!DOCTYPE html><html lang="en"><head>{links}
    <style>
      body {{ background-image: url("{loopback.url}/background.svg"); }}
      @font-face {{ font-family: Remote; src: url("{loopback.url}/font.ttf"); }}
      p {{ font-family: Remote, sans-serif; }}
    </style></head><body>
    <p>Visible text.</p>
    <img src="file:///etc/passwd"><img src="{secret.as_uri()}"><img src="{loopback.url}/pixel.svg">
    <iframe src="{loopback.url}/frame"></iframe><object data="{secret.as_uri()}"></object>
    </body></html>"""


def test_renderer_reads_nothing_outside_the_course(course_dir: Path, secret: Path, loopback: Loopback, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="coursepack.exporter.fetch"):
        pdf = Pdf(render_pdf(hostile_html(secret, loopback), (course_dir,), course_dir).pdf)
    assert "Visible text." in pdf.text
    assert SECRET not in pdf.text and "LOOPBACK-TEXT" not in pdf.text and "root:" not in pdf.text
    assert loopback.requests == []
    for url in ("file:///etc/passwd", secret.as_uri(), f"{loopback.url}/pixel.svg", f"{loopback.url}/background.svg", f"{loopback.url}/font.ttf"):
        assert f"blocked {url}" in caplog.text


def test_the_secret_would_show_if_its_folder_were_allowed(course_dir: Path, secret: Path) -> None:
    """The control for the test above: the SVG's text is extractable once it is drawn."""
    html = f'<html lang="en"><body><img src="{secret.as_uri()}"></body></html>'
    assert SECRET in Pdf(render_pdf(html, (secret.parent,), course_dir).pdf).text


def test_a_stylesheet_from_the_network_fails_the_export(course_dir: Path, loopback: Loopback) -> None:
    html = f'<html><head><link rel="stylesheet" href="{loopback.url}/evil.css"></head><body><p>x</p></body></html>'
    with pytest.raises(ExportError, match="stylesheet"):
        render_pdf(html, (course_dir,), course_dir)
    assert loopback.requests == []


def test_a_missing_stylesheet_of_the_exporter_fails_the_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporter.html, "STYLESHEETS", ("fonts.css", "missing.css", "print.css"))
    with pytest.raises(ExportError, match="missing.css"):
        build_pack(PackRequest(write_course(tmp_path, [ENGLISH]), issued=ISSUED), cache=PackCache(tmp_path / "cache"))


def hostile_course(root: Path, secret: Path, loopback: Loopback) -> Path:
    """A course whose block points outside its folder, at /etc/passwd and at a loopback server."""
    folder = write_course(root, [ENGLISH])
    block = folder / ENGLISH["id"]
    (block / "media" / "link.svg").symlink_to(secret)
    relative = Path("..", "..", "..", "outside", "secret.svg").as_posix()
    with (block / "block.md").open("a", encoding="utf-8") as source:
        source.write(f"\n![outside]({relative})\n\n![symlink](media/link.svg)\n\n![passwd](file:///etc/passwd)\n\n"
                     f"![loopback]({loopback.url}/pixel.svg)\n")
    return folder


def test_validation_refuses_a_block_that_links_outside_its_folder(tmp_path: Path, secret: Path, loopback: Loopback) -> None:
    folder = hostile_course(tmp_path / "courses", secret, loopback)
    with pytest.raises(ValidationFailed) as refused:
        build_pack(PackRequest(folder, issued=ISSUED), cache=PackCache(tmp_path / "cache"))
    codes = sorted(d.code for d in refused.value.report.errors)
    # bad-link: file:///etc/passwd; media-symlink: the symlink in media/ itself, linked or not
    assert codes == ["bad-link", "external-image", "link-outside-block", "link-outside-block", "media-symlink"]
    assert loopback.requests == []


def test_a_hostile_block_that_escaped_validation_still_gets_nothing(tmp_path: Path, secret: Path, loopback: Loopback,
                                                                    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = hostile_course(tmp_path / "courses", secret, loopback)
    monkeypatch.setattr(exporter.pack, "load_valid_course", lambda path: Loader().course(path))
    with caplog.at_level(logging.WARNING, logger="coursepack.exporter.fetch"):
        result = build_pack(PackRequest(folder, issued=ISSUED), cache=PackCache(tmp_path / "cache"))
    pdf = Pdf(result.path.read_bytes())
    assert "First contact" in pdf.text
    assert SECRET not in pdf.text and "LOOPBACK-TEXT" not in pdf.text and "root:" not in pdf.text
    assert loopback.requests == []
    assert caplog.text.count("blocked ") >= 3
