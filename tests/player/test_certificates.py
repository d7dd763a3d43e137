"""Certificates (issue 14 items 5, 12, 13; issue 21): the mode and minutes true for how the
learner took the block, titles in the reader's language, a page to type a code in, a QR code."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from blocks.load import Loader
from player.domain.certificates import training_time
from player.store.models import Attempt, Attendance, BlockProgress, Certificate, Cohort, Membership, SectionView, utcnow
from player.web import db
from tests.conftest import COURSES, post
from tests.player.trainer_helpers import new_user, sign_in_as

COURSE, BLOCK = "core-blocks", "a-cultural-sensitivity"  # 90 minutes face to face, 55 minutes self-paced


def _completed(app: Flask, email: str, attended: bool = False) -> int:
    """A learner who completed the block, in a face-to-face cohort's attendance when `attended`."""
    user_id = new_user(app, email, name="Olena Kovalenko")
    where = dict(user_id=user_id, course_id=COURSE, block_id=BLOCK)
    block = _course().block(BLOCK)
    assert block is not None
    with app.app_context(), db.writing() as write:
        write.add(BlockProgress(**where, completed_at=utcnow()))
        write.add_all(SectionView(**where, section_id=section.id) for section in block.sections)
        write.add_all(Attempt(**where, quiz_id=quiz.id, number=1, seed=1, percent=100.0, passed=True, submitted_at=utcnow())
                      for quiz in block.quizzes)
        if attended:
            cohort = Cohort(name="Skopje, May", course_id=COURSE, mode="face-to-face")
            write.add(cohort)
            write.flush()
            write.add_all([Membership(cohort_id=cohort.id, user_id=user_id),
                           Attendance(cohort_id=cohort.id, user_id=user_id, block_id=BLOCK, session_date=date(2026, 5, 2))])
    return user_id


def _course():  # noqa: ANN202 - a Course
    course = Loader().course(COURSES / COURSE)
    assert course is not None
    return course


def _certificate(app: Flask, client: FlaskClient, user_id: int) -> Certificate:
    sign_in_as(app, client, user_id)
    response = post(client, f"/courses/{COURSE}/{BLOCK}/certificate")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session().scalars(select(Certificate).filter_by(user_id=user_id)).one()


def _pdf_text(client: FlaskClient, code: str, lang: str = "en") -> str:
    response = client.get(f"/certificates/{code}.pdf?lang={lang}")
    assert response.status_code == 200
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


def test_a_block_taken_online_states_the_self_paced_minutes_the_player_states(app: Flask, client: FlaskClient) -> None:
    certificate = _certificate(app, client, _completed(app, "online@example.org"))
    assert (certificate.mode, certificate.minutes) == ("online", 55)
    assert "55 minutes self-paced online" in client.get(f"/courses/{COURSE}/{BLOCK}/").get_data(as_text=True)
    text = _pdf_text(client, certificate.code)
    assert "55 minutes" in text and "Self-paced online" in text and "1.5 hours" not in text
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "55 minutes" in page and "Self-paced online" in page


def test_a_block_attended_face_to_face_states_the_sessions_length(app: Flask, client: FlaskClient) -> None:
    certificate = _certificate(app, client, _completed(app, "room@example.org", attended=True))
    assert (certificate.mode, certificate.minutes) == ("face-to-face", 90)
    assert "90 minutes face to face" in client.get(f"/courses/{COURSE}/{BLOCK}/").get_data(as_text=True)
    text = _pdf_text(client, certificate.code)
    assert "90 minutes (1.5 hours)" in text and "Face-to-face training" in text
    assert "Face-to-face training" in client.get(f"/verify/{certificate.code}").get_data(as_text=True)


def test_the_catalogue_states_both_lengths_of_every_block(client: FlaskClient) -> None:
    """The course summary says "90-minute blocks": the cards say which 90 minutes, and the online time."""
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert page.count("minutes face to face") == 4 and page.count("minutes self-paced online") == 4


def test_the_certificate_names_course_block_issuer_signature_and_how_to_check_it(app: Flask, client: FlaskClient) -> None:
    app.config["CERTIFICATE_ISSUER"] = "Association of Social Workers"
    certificate = _certificate(app, client, _completed(app, "employer@example.org"))
    text = _pdf_text(client, certificate.code)
    for part in ("Association of Social Workers", "Olena Kovalenko", "Cultural sensitivity",
                 "a block of the course Working with refugee and migrant children and families",
                 "Signature and stamp, for Association of Social Workers", certificate.code,
                 f"http://localhost/verify/{certificate.code}"):
        assert part in text, part


def test_the_issuer_defaults_to_the_site_that_verifies(app: Flask, client: FlaskClient) -> None:
    app.config["PUBLIC_URL"] = "https://learn.example.org"
    certificate = _certificate(app, client, _completed(app, "default@example.org"))
    text = _pdf_text(client, certificate.code)
    assert "Signature and stamp, for learn.example.org" in text
    assert f"https://learn.example.org/verify/{certificate.code}" in text


def test_titles_follow_the_readers_language_not_the_language_of_issue(app: Flask, client: FlaskClient) -> None:
    certificate = _certificate(app, client, _completed(app, "uk@example.org"))  # issued in English
    assert certificate.title == "Cultural sensitivity"
    text = _pdf_text(client, certificate.code, lang="uk")
    assert "Культурна чутливість" in text and "Робота з дітьми та родинами біженців і мігрантів" in text
    assert "Cultural sensitivity" not in text
    page = client.get(f"/verify/{certificate.code}?lang=uk").get_data(as_text=True)
    assert "Культурна чутливість" in page and "Cultural sensitivity" not in page
    account = client.get("/account/?lang=uk").get_data(as_text=True)  # the learner's own list
    assert f'{certificate.code}.pdf">Культурна чутливість</a> <span class="meta">(Робота з дітьми' in account
    assert "Cultural sensitivity" not in account


def test_a_code_from_paper_is_typed_into_a_form(app: Flask, client: FlaskClient) -> None:
    page = client.get("/verify/")
    assert page.status_code == 200
    form = page.get_data(as_text=True)
    assert re.search(r'<form method="get" action="/verify/"', form) and 'name="code"' in form
    response = client.get("/verify/?code=+AB12-cd34+")
    assert response.status_code == 302 and response.location.endswith("/verify/AB12-cd34")
    assert client.get("/verify/AB12-cd34").status_code == 404
    assert 'href="/verify/"' in client.get("/verify/AB12-cd34").get_data(as_text=True)


@pytest.mark.parametrize("attended", [False, True])
def test_a_course_certificate_adds_up_its_blocks(app: Flask, client: FlaskClient, attended: bool) -> None:
    course = _course()
    user_id = _completed(app, f"course-{attended}@example.org", attended=attended)
    with app.app_context():
        time = training_time(db.session(), user_id, course, list(course.blocks))
    assert time.minutes == (90 if attended else 55) + 60 + 60 + 65
    assert time.mode == ("blended" if attended else "online")


def test_certificates_issued_before_the_mode_was_kept_read_as_online_for_their_hours(app: Flask) -> None:
    from alembic import command
    from sqlalchemy import text

    from player.store.migrate import alembic_config

    with app.app_context():
        engine = db.engine()
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_lti_xapi")
            connection.execute(text("INSERT INTO certificates (code, course_id, block_id, name, title, hours, issued_at) "
                                    "VALUES ('old', 'core-blocks', '', 'Old', 'Old title', 1.5, '2026-01-01 10:00:00')"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT mode, minutes FROM certificates WHERE code = 'old'")).one() == ("online", 90)
