"""Cohorts for trainers: creating one, who may see it, joining it, the attendance sheet, the
drill-down to one learner, and the schema revision behind them."""

from __future__ import annotations

from datetime import date

import re

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from player.store.database import Base
from player.store.migrate import alembic_config
from player.store.models import Attendance, Cohort, Membership, User
from player.web import db
from tests.conftest import csrf_token, post, sign_up
from tests.player.cohort_data import R1, R2, seed
from tests.player.helpers import quiz_form
from tests.player.trainer_helpers import new_user, sign_in_as

NEW = {"name": "Bitola autumn", "course_id": "core-blocks", "lang": "mk", "mode": "face-to-face",
       "starts_on": "2026-10-01", "ends_on": "2026-10-03"}


def _trainer_endpoints(app: Flask) -> list[tuple[str, str, set[str]]]:
    return [
        (rule.endpoint, rule.rule, set(rule.methods or ()))
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access_policy", None) in ("trainer", "admin")
    ]


def _url(rule: str, **values: object) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), rule)


def test_a_trainer_creates_a_cohort_and_gets_a_code_and_link(app: Flask, client: FlaskClient) -> None:
    sign_in_as(app, client, new_user(app, "t@example.org", "trainer"))
    response = post(client, "/trainer/cohorts/new", NEW)
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session().scalars(select(Cohort)).one()
    assert (cohort.name, cohort.course_id, cohort.lang, cohort.mode) == ("Bitola autumn", "core-blocks", "mk", "face-to-face")
    assert (str(cohort.starts_on), str(cohort.ends_on)) == ("2026-10-01", "2026-10-03")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", cohort.join_code)
    page = client.get(response.location).get_data(as_text=True)
    assert cohort.join_code in page and f"/join/{cohort.join_code}" in page
    assert "Bitola autumn" in client.get("/trainer/").get_data(as_text=True)


@pytest.mark.parametrize("change, message", [
    ({"name": " "}, "Give the cohort a name."),
    ({"course_id": "nope"}, "Choose a course."),
    ({"lang": "xx"}, "Choose a language."),
    ({"mode": "hybrid"}, "Choose face to face or self-paced."),
    ({"ends_on": "2026-09-30"}, "The end date is before the start date."),
    ({"starts_on": "1 October"}, "Give dates as year-month-day"),
    ({"starts_on": "0206-10-01"}, "between 2000 and 2100"),  # a slip of the keyboard
])
def test_a_cohort_form_with_a_mistake_says_what_and_creates_nothing(app: Flask, client: FlaskClient, change: dict, message: str) -> None:
    sign_in_as(app, client, new_user(app, "t@example.org", "trainer"))
    response = post(client, "/trainer/cohorts/new", {**NEW, **change})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Cohort)) == 0


def test_trainers_see_only_their_cohorts_and_admins_all(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    other = new_user(app, "other@example.org", "trainer")
    sign_in_as(app, client, other)
    post(client, "/trainer/cohorts/new", NEW)
    mine = client.get("/trainer/").get_data(as_text=True)
    assert "Bitola autumn" in mine and "Skopje spring" not in mine
    sign_in_as(app, client, seeded.trainer_id, role="admin")
    everyone = client.get("/trainer/").get_data(as_text=True)
    assert "Bitola autumn" in everyone and "Skopje spring" in everyone


def test_trainer_a_gets_404_on_every_page_of_cohort_b(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    sign_in_as(app, client, new_user(app, "a@example.org", "trainer"))
    values = {"cohort_id": seeded.cohort_id, "user_id": seeded.ana, "report": "grid"}
    checked = 0
    for endpoint, rule, methods in _trainer_endpoints(app):
        if "cohort_id" not in rule:
            continue
        url = _url(rule, **values)
        if "GET" in methods:
            assert client.get(url).status_code == 404, endpoint
        if "POST" in methods:
            response = client.post(url, data={"csrf_token": csrf_token(client, "/trainer/"), "block": R1, "day": "2026-03-02", "present": [str(seeded.ana)]})
            assert response.status_code == 404, endpoint
        checked += 1
    assert checked >= 8
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Attendance)) == 4  # the seeded ones, untouched


def test_the_trainer_of_a_cohort_opens_every_page_of_it(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    sign_in_as(app, client, seeded.trainer_id)
    values = {"cohort_id": seeded.cohort_id, "user_id": seeded.ana, "report": "grid"}
    for endpoint, rule, methods in _trainer_endpoints(app):
        if "cohort_id" in rule and "GET" in methods:
            assert client.get(_url(rule, **values)).status_code == 200, endpoint
    assert client.get(f"/trainer/cohorts/{seeded.cohort_id}/nope.csv").status_code == 404


def test_a_learner_gets_403_on_every_trainer_page_and_a_trainer_on_the_overview(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    sign_in_as(app, client, seeded.ana)
    values = {"cohort_id": seeded.cohort_id, "user_id": seeded.ana, "report": "grid", "breakdown": "blocks",
              "course_id": "resilience", "block_id": R1, "channel": "xapi"}
    endpoints = _trainer_endpoints(app)
    assert len(endpoints) >= 12
    for endpoint, rule, methods in endpoints:
        if "GET" in methods:
            assert client.get(_url(rule, **values)).status_code == 403, endpoint
        if "POST" in methods:
            assert client.post(_url(rule, **values), data={"csrf_token": csrf_token(client, "/account/")}).status_code == 403, endpoint
    post(client, "/signout")
    sign_in_as(app, client, seeded.trainer_id)
    assert client.get("/trainer/overview").status_code == 403
    assert client.get("/trainer/overview/blocks.csv").status_code == 403


def test_the_drill_down_shows_attempts_answers_and_only_shared_reflections(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    sign_in_as(app, client, seeded.trainer_id)
    page = client.get(f"/trainer/cohorts/{seeded.cohort_id}/learners/{seeded.ana}").get_data(as_text=True)
    assert 'Becoming resilient to stress and trauma: <span class="state state-passed">Passed</span>' in page  # as on the grid
    assert 'The impact of stress on frontline workers: <span class="state state-completed">Completed</span>' in page
    assert "Attempt 1: 50%" in page and "Attempt 2: 50%" in page  # no "50.0%"
    assert "A. That it is low: resilient workers do not feel sad after hard cases." in page  # her first answer, in words
    assert "Shared: the breathing exercise helped." in page
    assert "Private: I miss my headaches." not in page
    assert client.get(f"/trainer/cohorts/{seeded.cohort_id}/learners/{seeded.olga}").status_code == 404  # not a member


def test_the_join_link_puts_a_signed_in_learner_in_the_cohort(app: Flask, client: FlaskClient) -> None:
    seed(app)
    anonymous = client.get("/join/SPRING26").get_data(as_text=True)
    assert "Skopje spring" in anonymous and "/signup?code=SPRING26" in anonymous
    assert client.get("/join/NOPE1234").status_code == 404
    sign_up(client, email="new@example.org")
    assert "Join this cohort" in client.get("/join/spring26").get_data(as_text=True)  # typed in small letters
    response = post(client, "/join/spring26")
    assert response.status_code == 302 and response.location == "/courses/resilience/?lang=mk"
    assert post(client, "/join/SPRING26").status_code == 302  # again: still one membership
    assert "You are in this cohort" in client.get("/join/SPRING26").get_data(as_text=True)
    with app.app_context():
        user = db.session().scalars(select(User).filter_by(email="new@example.org")).one()
        assert db.session().scalar(select(func.count()).select_from(Membership).filter_by(user_id=user.id)) == 1


def test_signing_up_with_the_code_from_the_link_joins_too(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    assert sign_up(client, email="fresh@example.org", code="SPRING26").status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Membership).filter_by(cohort_id=seeded.cohort_id)) == 5


def test_the_attendance_sheet_records_corrects_and_counts(app: Flask, client: FlaskClient) -> None:
    seeded = seed(app)
    sign_in_as(app, client, seeded.trainer_id)
    sheet = f"/trainer/cohorts/{seeded.cohort_id}/attendance"
    present = [str(seeded.formula), str(seeded.boris), str(seeded.olga)]  # Olga is not in the cohort
    response = post(client, sheet, {"block": R2, "day": "2026-03-09", "present": present})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(rf'value="{seeded.boris}" checked', page) and re.search(rf'value="{seeded.formula}" checked', page)
    assert not re.search(rf'value="{seeded.ana}" checked', page)  # exactly the ticked ones: Ana's seeded mark is gone
    post(client, sheet, {"block": R2, "day": "2026-03-09", "present": [str(seeded.ana), str(seeded.boris)]})  # a correction
    with app.app_context():
        rows = db.session().execute(select(Attendance.user_id).filter_by(block_id=R2).order_by(Attendance.user_id)).scalars().all()
    assert rows == sorted([seeded.ana, seeded.boris])
    assert post(client, sheet, {"block": "nope", "day": "2026-03-09"}).status_code == 302
    refused = post(client, sheet, {"block": R2, "day": "2026-03-01", "present": [str(seeded.ana)]}, follow_redirects=True)
    assert "The cohort runs from March 2, 2026" in refused.get_data(as_text=True)  # the day before it began
    assert 'min="2026-03-02"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Attendance).filter_by(session_date=date(2026, 3, 1))) == 0
    grid = client.get(f"/trainer/cohorts/{seeded.cohort_id}/grid.csv").get_data(as_text=True)
    assert '"Boris","boris@example.org","Red Cross","Completed","Not started","Not started","Not started","Not started","Not started",1,2' in grid


def test_the_grid_shows_what_the_player_decided(app: Flask, client: FlaskClient) -> None:
    """A learner passes the sample block through the player's own views; the grid says Passed.
    The sample is internal (`public: false`): only an admin may make a cohort of it."""
    trainer = new_user(app, "t@example.org", "admin")
    sign_in_as(app, client, trainer)
    post(client, "/trainer/cohorts/new", {**NEW, "course_id": "sample", "mode": "self-paced"})
    with app.app_context():
        code = db.session().scalars(select(Cohort.join_code)).one()
    learner = app.test_client()
    sign_up(learner, email="l@example.org", code=code)
    grid = client.get("/trainer/cohorts/1/").get_data(as_text=True)
    assert "state-not-started" in grid and "state-passed" not in grid
    from tests.player.test_learning import BASE, BLOCK, QUIZ, QUIZ_STEP

    for step in [s.id for s in BLOCK.sections]:
        post(learner, f"{BASE}/{step}", {"go": "next"})
    post(learner, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(learner, f"{BASE}/{QUIZ_STEP}", QUIZ, right=True))
    grid = client.get("/trainer/cohorts/1/").get_data(as_text=True)
    assert "state-passed" in grid and "state-not-started" not in grid


def test_migrations_build_exactly_the_models_and_0002_goes_back_cleanly(app: Flask, database_url: str) -> None:
    with app.app_context():
        engine = db.engine()
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []



def test_a_trainer_reaches_a_blocks_preview_from_its_start_page(app: Flask, client: FlaskClient) -> None:
    """The preview (facilitator notes, the pack, SCORM and cmi5) is linked where a trainer meets
    the block; a learner sees no such link."""
    start, preview = "/courses/core-blocks/a-cultural-sensitivity/", "/preview/core-blocks/a-cultural-sensitivity/"
    learner = app.test_client()
    sign_up(learner, email="learner.only@example.org")
    assert preview not in learner.get(start).get_data(as_text=True)
    sign_in_as(app, client, new_user(app, "trainer.preview@example.org", "trainer"))
    assert f'<a href="{preview}">Trainer preview</a>' in client.get(start).get_data(as_text=True)
    assert client.get(preview).status_code == 200


def test_a_bulgarian_trainer_reads_course_block_titles_and_dates_in_bulgarian(app: Flask, client: FlaskClient) -> None:
    """Found by a translator's review: the trainer pages named the course and the blocks in
    English, wrote dates as 2026-10-01, and offered languages by their codes."""
    from blocks.build import translated_block
    from blocks.load import Loader
    from tests.conftest import COURSES

    core = Loader().course(COURSES / "core-blocks")
    sign_in_as(app, client, new_user(app, "t@example.org", "trainer"))
    assert client.get("/trainer/?lang=bg").status_code == 200
    form = client.get("/trainer/cohorts/new").get_data(as_text=True)
    assert '<option value="mk" lang="mk">Македонски</option>' in form and "every-construct" not in form
    response = post(client, "/trainer/cohorts/new", NEW)
    listing = client.get("/trainer/").get_data(as_text=True)
    assert core.title_in("bg") in listing and core.title not in listing
    assert "1 октомври 2026" in listing and "2026-10-01" not in listing
    grid = client.get(response.location).get_data(as_text=True)
    for block in core.blocks:
        assert translated_block(block, "bg")[0].title in grid and f">{block.title}<" not in grid


def test_a_cohort_is_in_a_language_its_course_offers(app: Flask, client: FlaskClient, tmp_path) -> None:  # noqa: ANN001
    sign_in_as(app, client, new_user(app, "t@example.org", "trainer"))
    content = app.extensions["coursepack_content"]
    core = content.courses["core-blocks"]
    from dataclasses import replace
    content.courses["core-blocks"] = replace(core, languages=("en", "mk"))
    try:
        refused = post(client, "/trainer/cohorts/new", {**NEW, "lang": "bg"})
        assert refused.status_code == 400
        assert "is offered in English, Македонски: choose one of those." in refused.get_data(as_text=True)
    finally:
        content.courses["core-blocks"] = core


def test_points_are_counted_in_the_languages_plural(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context("/?lang=bg"):
        from flask import render_template_string
        one = render_template_string('{{ ngettext("%(p)s of %(m)s point", "%(p)s of %(m)s points", 1, p="1", m="1") }}')
        many = render_template_string('{{ ngettext("%(p)s of %(m)s point", "%(p)s of %(m)s points", 3, p="2", m="3") }}')
    assert (one, many) == ("1 от 1 точка", "2 от 3 точки")
