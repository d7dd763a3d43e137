"""The player serves each unit in the learner's language, falls back per unit, shares progress."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blocks.catalogues import catalogue_path, update_catalogue
from blocks.l10n import extract_units
from blocks.load import Loader
from player.store.models import Attempt
from player.web import db
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import quiz_form

BASE = "/courses/sample/every-construct"
UK = {
    "Getting started": "Початок роботи",
    "A table, as GFM writes it:": "Таблиця у форматі GFM:",
    "The European child helpline number is [[116 111|116111]].": "Європейський номер дитячої лінії допомоги — [[116 111|116111]].",
    "Which first step builds trust with a family that has just arrived?": "Який перший крок будує довіру з родиною, що щойно прибула?",
}


@pytest.fixture
def courses_dir(tmp_courses: Path) -> Path:
    course_file = tmp_courses / "sample" / "course.yaml"
    text = course_file.read_text(encoding="utf-8").replace("languages: [en]", "languages: [en, uk]")
    course_file.write_text(text, encoding="utf-8")
    course_catalogue = catalogue_path(course_file, "uk")
    titles = polib.pofile(str(course_catalogue), wrapwidth=0)
    titles.find("Sample course (every construct)", msgctxt="course").msgstr = "Зразок курсу"
    titles.save(str(course_catalogue))
    block = Loader().block(tmp_courses / "sample" / "every-construct")
    update_catalogue(block, extract_units(block.path.read_text(encoding="utf-8"), block.path), "uk")
    path = catalogue_path(block.path, "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        entry.msgstr = UK.get(entry.msgid, "")
    catalogue.save(str(path))
    return tmp_courses


def test_a_step_in_ukrainian_with_fallback_marked(client: FlaskClient) -> None:
    sign_up(client)
    page = client.get(f"{BASE}/start?lang=uk").get_data(as_text=True)
    assert "Початок роботи" in page and "Таблиця у форматі GFM:" in page
    assert 'lang="uk"' in page
    assert 'lang="en" class="untranslated"' in page  # a fallback unit, marked
    assert 'class="note coverage"' in page  # the coverage notice
    assert 'class="note draft"' in page  # catalogues are drafts until a reviewer says otherwise
    assert "Зразок курсу" in client.get("/courses/sample/?lang=uk").get_data(as_text=True)
    assert '<p class="crumbs"><a href="/courses/sample/">Зразок курсу</a></p>' in page  # the breadcrumb too


def test_english_learners_see_the_source(client: FlaskClient) -> None:
    sign_up(client)
    page = client.get(f"{BASE}/start?lang=en").get_data(as_text=True)
    assert "Getting started" in page and "untranslated" not in page


def test_switching_language_switches_the_rendered_step_text(client: FlaskClient) -> None:
    """Step text is rendered once per language and kept: each language must get its own."""
    sign_up(client)
    for lang, shown, not_shown in [("uk", "Таблиця у форматі GFM:", "A table, as GFM writes it:"),
                                   ("en", "A table, as GFM writes it:", "Таблиця у форматі GFM:"),
                                   ("uk", "Таблиця у форматі GFM:", "A table, as GFM writes it:")]:
        page = client.get(f"{BASE}/start?lang={lang}").get_data(as_text=True)
        assert shown in page and not_shown not in page, lang
        assert f'hreflang="{lang}" aria-current="true"' in page  # the page shell is kept per language too
        assert page.count('aria-current="true"') == 1


def test_progress_is_shared_across_languages(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    quiz = Loader().block(COURSES / "sample" / "every-construct").quizzes[0]
    step = "check"
    page = client.get(f"{BASE}/{step}?lang=uk").get_data(as_text=True)
    assert "Який перший крок" in page
    response = post(client, f"{BASE}/{step}/quiz/{quiz.id}", quiz_form(client, f"{BASE}/{step}?lang=uk", quiz, right=True))
    assert response.location.endswith("/attempts/1")
    english = client.get(f"{BASE}/{step}?lang=en").get_data(as_text=True)
    assert "Attempt 1: 100%" in english and "Best score: 100%" in english
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        assert attempt.percent == 100.0


def test_a_reviewed_catalogue_drops_the_draft_notice(client: FlaskClient, courses_dir: Path) -> None:
    path = catalogue_path(courses_dir / "sample" / "every-construct" / "block.md", "uk")
    catalogue = polib.pofile(str(path), wrapwidth=0)
    catalogue.metadata["X-Coursepack-Translation-Status"] = "reviewed"
    catalogue.save(str(path))
    sign_up(client)
    assert 'class="note draft"' not in client.get(f"{BASE}/start?lang=uk").get_data(as_text=True)


def test_the_bundled_core_blocks_course_reads_in_bulgarian(client: FlaskClient) -> None:
    """A Bulgarian learner sees the course and a block of core-blocks in Bulgarian, marked as a draft."""
    course = client.get("/courses/core-blocks/?lang=bg").get_data(as_text=True)
    assert "Работа с деца и семейства на бежанци и мигранти" in course
    assert "Културна чувствителност" in course and "Cultural sensitivity" not in course
    sign_up(client)
    step = client.get("/courses/core-blocks/a-cultural-sensitivity/culture?lang=bg").get_data(as_text=True)
    assert 'lang="bg"' in step and "Културата често се представя като айсберг" in step
    assert 'class="note draft"' in step and 'class="untranslated"' not in step
