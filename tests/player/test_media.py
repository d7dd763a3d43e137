"""A block's media/ is served from the player's origin, so nothing in it may run there (issue 13,
items 1 and 2): only types that carry no script, never through a symlink, always as a sandboxed
document the browser must not sniff. The hostile files here are those an attacker tried."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blocks.media import MEDIA_CSP, UnsafePath, file_under, safe_file
from blocks.validate import validate_paths
from player import create_app
from player.store.migrate import upgrade
from player.web import db
from tests.conftest import COURSES

HOSTILE = Path(__file__).resolve().parents[1] / "blocks" / "invalid" / "courses" / "hostile-media"
BLOCK = "media-block"
SCRIPTED = {
    "page.html": '<html><script src="x.js"></script></html>',
    "page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script src="x.js"/></html>',
    "pic.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script href="x.js"/></svg>',
    "x.js": "window.pwned = 1;",
    "photo.PNG.html": '<script src="x.js"></script>',
}


@pytest.fixture
def served(tmp_path: Path) -> tuple[Flask, Path]:
    """The bundled courses, loaded once with reload off (as in production), and the media
    folder of core block A (a public course), where files appear after the player loaded its content."""
    courses = tmp_path / "courses"
    shutil.copytree(COURSES, courses, symlinks=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'media.db'}", "COURSES_DIR": courses,
                      "SECRET_KEY": "s" * 40, "TESTING": True, "CONTENT_RELOAD": False})
    with app.app_context():
        upgrade(db.engine())
    app.test_client().get("/")  # the content is loaded and checked now
    media = courses / "core-blocks" / "a-cultural-sensitivity" / "media"
    media.mkdir()
    shutil.copy(COURSES / "sample" / "every-construct" / "media" / "room-layout.png", media)
    return app, media


def media_url(name: str) -> str:
    return f"/courses/core-blocks/a-cultural-sensitivity/media/{name}"


def test_files_that_would_run_script_are_never_served(served: tuple[Flask, Path], tmp_path: Path) -> None:
    app, media = served
    for name, body in SCRIPTED.items():
        (media / name).write_text(body, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("the database password", encoding="utf-8")
    (media / "sym.png").symlink_to(secret)
    (media / "passwd.txt").symlink_to("/etc/passwd")
    (media / "inside.png").symlink_to(media / "x.js")
    (media / "folder").symlink_to(tmp_path)
    client = app.test_client()
    for name in [*SCRIPTED, "sym.png", "passwd.txt", "inside.png", "folder/secret.txt", "../block.md", "%2e%2e/block.md"]:
        response = client.get(media_url(name))
        assert response.status_code == 404, name
        assert b"password" not in response.data and b"pwned" not in response.data


def test_an_image_is_served_inert(served: tuple[Flask, Path]) -> None:
    app, media = served
    name = next(p.name for p in media.iterdir() if p.suffix == ".png")
    response = app.test_client().get(media_url(name))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Security-Policy"] == MEDIA_CSP
    assert response.headers["Content-Security-Policy"].startswith("sandbox;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_documents_are_downloads_and_the_type_comes_from_the_name(served: tuple[Flask, Path]) -> None:
    app, media = served
    (media / "handout.pdf").write_bytes(b"%PDF-1.4\n<script>not run</script>\n")
    (media / "notes.TXT").write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    client = app.test_client()
    pdf = client.get(media_url("handout.pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    text = client.get(media_url("notes.TXT"))  # HTML inside: still plain text, never sniffed
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8" and text.headers["X-Content-Type-Options"] == "nosniff"
    assert text.headers["Content-Security-Policy"] == MEDIA_CSP


def test_a_course_with_hostile_media_is_not_served_at_all(tmp_path: Path) -> None:
    courses = tmp_path / "courses"
    shutil.copytree(HOSTILE, courses / "hostile-media", symlinks=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'media.db'}", "COURSES_DIR": courses,
                      "SECRET_KEY": "s" * 40, "TESTING": True})
    with app.app_context():
        upgrade(db.engine())
    client: FlaskClient = app.test_client()
    assert client.get(f"/courses/hostile-media/{BLOCK}/media/photo.png").status_code == 404
    assert client.get(f"/courses/hostile-media/{BLOCK}/media/page.html").status_code == 404


def test_validate_refuses_a_symlink_even_to_an_allowed_type_and_a_symlinked_media_folder(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(HOSTILE, course, symlinks=True)
    media = course / BLOCK / "media"
    shutil.rmtree(media)
    media.symlink_to(tmp_path)  # the whole folder
    problems = [(Path(d.path).name, d.code) for d in validate_paths([course])[1].errors]
    assert ("media", "media-symlink") in problems


def test_one_rule_for_the_player_and_the_pdf_fetcher(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.png").write_bytes(b"png")
    (tmp_path / "media" / "b.png").symlink_to(tmp_path / "media" / "a.png")
    assert safe_file(tmp_path, "media/a.png") == tmp_path / "media" / "a.png"
    assert file_under((tmp_path,), tmp_path / "media" / "a.png") == tmp_path / "media" / "a.png"
    for bad in ("media/b.png", "../etc/passwd", "/etc/passwd", "media", "media/missing.png", ""):
        with pytest.raises(UnsafePath):
            safe_file(tmp_path, bad)
    with pytest.raises(UnsafePath):
        file_under((tmp_path,), tmp_path / "media" / "b.png")
    with pytest.raises(UnsafePath):
        file_under((tmp_path,), Path(os.sep, "etc", "passwd"))
