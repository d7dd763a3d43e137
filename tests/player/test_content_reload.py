"""The authoring loop: edits show on the next request; a broken edit never reaches learners."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from player.store import content
from player.store.models import User
from player.web import db
from tests.conftest import sign_up

BLOCK = "core-blocks/a-cultural-sensitivity"


@pytest.fixture
def courses_dir(tmp_courses: Path) -> Path:
    return tmp_courses


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "CHECK_INTERVAL", 0.0)


def _edit(courses: Path, old: str, new: str) -> None:
    path = courses / BLOCK / "block.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_shows_on_the_next_request(client: FlaskClient, courses_dir: Path) -> None:
    assert "Cultural sensitivity" in client.get(f"/courses/{BLOCK}/").get_data(as_text=True)
    _edit(courses_dir, "title: ", "title: Freshly edited ")
    assert "Freshly edited" in client.get(f"/courses/{BLOCK}/").get_data(as_text=True)


def test_a_broken_edit_keeps_the_last_good_version_for_learners(app: Flask, client: FlaskClient, courses_dir: Path) -> None:
    good_title = client.get(f"/courses/{BLOCK}/").get_data(as_text=True)
    _edit(courses_dir, "title: ", "title: Broken edit ")
    _edit(courses_dir, "duration: 90", "duration: 20")  # activities now overrun the duration
    page = client.get(f"/courses/{BLOCK}/").get_data(as_text=True)
    assert "Broken edit" not in page and page == good_title
    sign_up(client, email="author@example.org")
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "trainer"
    report = client.get("/preview/problems").get_data(as_text=True)
    assert "agenda-too-long" in report and "a-cultural-sensitivity/block.md" in report
    assert "last good version" in report


def test_learners_never_see_the_problems_page(client: FlaskClient) -> None:
    sign_up(client)
    assert client.get("/preview/problems").status_code == 403


def test_an_edit_to_a_step_replaces_its_rendered_text(client: FlaskClient, courses_dir: Path) -> None:
    """A step's text is rendered once and kept; an edit must reach the next request all the same."""
    step = f"/courses/{BLOCK}/culture"
    assert "What my family taught me" in client.get(step).get_data(as_text=True)
    _edit(courses_dir, "#### What my family taught me", "#### Rules we grew up with")
    page = client.get(step).get_data(as_text=True)
    assert "Rules we grew up with" in page and "What my family taught me" not in page


def test_a_catalogue_that_cannot_be_read_never_fails_a_page(app: Flask, client: FlaskClient, courses_dir: Path) -> None:
    """A broken line in a translator's PO file: the block shows in its source language to those
    who chose that language, the course's pages answer, and the trainers see where the line is."""
    step = f"/courses/{BLOCK}/pretest?lang=uk"
    assert "Хлопець 14 років" in client.get(step).get_data(as_text=True)
    catalogue = courses_dir / BLOCK / "locales" / "uk.po"
    lines = catalogue.read_text(encoding="utf-8").splitlines()
    lines.insert(10, "this is garbage {oops}")
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for page in (step, "/courses/core-blocks/?lang=uk", f"/courses/{BLOCK}/?lang=uk"):
        assert client.get(page).status_code == 200, page
    shown = client.get(step).get_data(as_text=True)
    assert "Хлопець 14 років" not in shown and "A boy of 14 whose companion holds his papers." in shown
    sign_up(client, email="author@example.org")
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "trainer"
    report = client.get("/preview/problems?lang=en").get_data(as_text=True)
    assert "a-cultural-sensitivity/locales/uk.po:11: unreadable-catalogue" in report
    assert "see its block in the source language until the catalogue is mended" in report and "was refused" not in report


def test_a_course_broken_when_the_player_starts_is_said_to_be_not_served_and_logged(
        app_config: dict, courses_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The last good version lives in a worker's memory: after a restart there is none. The
    problems page must not promise one, /healthz names the course, and the log says it at start."""
    from player import create_app
    from player.store.migrate import upgrade

    _edit(courses_dir, "duration: 90", "duration: 20")
    with caplog.at_level("WARNING", logger="player.store.content"):
        app = create_app({**app_config, "COURSES_DIR": courses_dir})
    assert "course core-blocks failed validation (1 error(s)), so it is not served: no earlier version is kept; see `coursepack validate" in caplog.text
    with app.app_context():
        upgrade(db.engine())
    client = app.test_client()
    assert client.get(f"/courses/{BLOCK}/").status_code == 404
    assert client.get("/healthz").json["not_served"] == ["core-blocks"]
    sign_up(client, email="admin@example.org")
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "admin"
    report = client.get("/preview/problems").get_data(as_text=True)
    assert "This course is not served" in report and "last good version" not in report


def test_a_course_whose_folder_is_removed_is_withdrawn(client: FlaskClient, courses_dir: Path) -> None:
    """Guidance found to be wrong is withdrawn by removing it, as an edit takes effect."""
    assert client.get("/courses/resilience/").status_code == 200
    (courses_dir / "resilience" / "course.yaml").rename(courses_dir / "resilience" / "course.yaml.withdrawn")
    assert client.get("/courses/resilience/").status_code == 404
    assert "resilience" not in [c for c in client.get("/healthz").json.get("not_served", [])]
    assert client.get("/courses/core-blocks/").status_code == 200


def test_after_a_restart_a_broken_course_is_served_from_the_copy_kept_on_disk(
        app_config: dict, courses_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The last good version survives a restart: each version that passes is copied to the
    instance folder, and a worker that starts while the course fails serves that copy."""
    from player import create_app
    from player.store.migrate import upgrade

    config = {**app_config, "COURSES_DIR": courses_dir, "CONTENT_KEPT": tmp_path / "kept"}
    create_app(config)  # the good version, kept
    assert (tmp_path / "kept" / "core-blocks" / "course.yaml").is_file()
    _edit(courses_dir, "title: ", "title: Broken edit ")
    _edit(courses_dir, "duration: 90", "duration: 20")
    with caplog.at_level("WARNING", logger="player.store.content"):
        app = create_app(config)  # the restart
    assert "so learners keep the last good version (the copy kept on" in caplog.text
    with app.app_context():
        upgrade(db.engine())
    client = app.test_client()
    page = client.get(f"/courses/{BLOCK}/").get_data(as_text=True)
    assert "Cultural sensitivity" in page and "Broken edit" not in page
    assert client.get("/healthz").json["not_served"] == []
    sign_up(client, email="admin@example.org")
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "admin"
    report = client.get("/preview/problems").get_data(as_text=True)
    assert "learners get the copy kept on" in report and "agenda-too-long" in report
    _edit(courses_dir, "duration: 20", "duration: 90")  # mended: the source is served again, and kept
    assert "Broken edit" in client.get(f"/courses/{BLOCK}/").get_data(as_text=True)


def test_a_folder_for_the_kept_copies_that_cannot_be_written_never_stops_the_player(
        app_config: dict, courses_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from player import create_app

    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    with caplog.at_level("WARNING", logger="player.store.content"):
        app = create_app({**app_config, "COURSES_DIR": courses_dir, "CONTENT_KEPT": blocked / "kept"})
    assert "core-blocks" in app.extensions["coursepack_content"].courses
    assert "could not be copied to" in caplog.text
