"""Input refused at the edge (issue 13 items 4, 5, 7): NUL bytes and control characters in any
address, query or form; integers beyond the database's range in a path; and no cache keeps a
personal response. Each answers with the player's page in the learner's language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from player.store.models import Cohort, User
from player.web import db
from tests.conftest import csrf_token, post, sign_up
from tests.player.test_certificates import BLOCK, COURSE, _certificate, _completed
from tests.player.trainer_helpers import new_user, sign_in_as

NEW_COHORT = {"name": "Bitola autumn", "course_id": "core-blocks", "lang": "mk", "mode": "face-to-face",
              "starts_on": "2026-10-01", "ends_on": "2026-10-03"}


@pytest.mark.parametrize("address", [
    "/verify/AB%00CD", "/join/SPRING%0026", "/courses/core-blocks/a%00", "/signin?next=/%00", "/?lang=mk%00",
    "/courses/core-blocks/a-cultural-sensitivity/%1b[31m",
])
def test_a_control_character_in_an_address_is_a_400_page(client: FlaskClient, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)


def test_the_400_page_speaks_the_learners_language(client: FlaskClient) -> None:
    client.get("/?lang=uk")
    page = client.get("/verify/AB%00CD").get_data(as_text=True)
    assert 'lang="uk"' in page and "could not be read" not in page


def test_a_nul_in_a_form_stores_nothing_on_either_database(app: Flask, client: FlaskClient) -> None:
    assert sign_up(client, "nul\x00@example.org").status_code == 400
    assert post(client, "/signin", {"email": "a\x00@example.org", "password": "x"}).status_code == 400
    sign_in_as(app, client, new_user(app, "trainer@example.org", role="trainer"), role="trainer")
    assert post(client, "/trainer/cohorts/new", {**NEW_COHORT, "name": "Bitola\x00"}).status_code == 400
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(User).where(User.email.contains("nul"))) == 0
        assert db.session().scalar(select(func.count()).select_from(Cohort)) == 0


def test_line_breaks_and_tabs_in_text_are_kept(app: Flask, client: FlaskClient) -> None:
    sign_in_as(app, client, new_user(app, "trainer@example.org", role="trainer"), role="trainer")
    assert post(client, "/trainer/cohorts/new", {**NEW_COHORT, "name": "Bitola\tautumn"}).status_code == 302


@pytest.mark.parametrize(("key", "text", "status"), [
    ("q-1", "a\x00", 400), ("q-1", "bell\x07", 400), ("q-1", "del\x7f", 400), ("q-\x1b", "a key", 400),
    ("q-1", "a line\nbreak and a\ttab", 200),
])
def test_a_control_character_anywhere_in_json_is_refused(client: FlaskClient, key: str, text: str, status: int) -> None:
    """Deep in a batch (an item's fields, a key or a value in a list); tabs and line breaks are text."""
    sign_up(client)
    item = {"client_id": "a" * 32, "url": "/nowhere", "fields": {"seed": "1", key: ["x", text]}}
    response = client.post("/sync", json={"items": [{"client_id": "b" * 32, "url": "/nowhere", "fields": {}}, item]},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == status


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999", "9" * 400])
def test_integers_beyond_the_database_range_name_nothing(app: Flask, client: FlaskClient, number: str) -> None:
    sign_in_as(app, client, new_user(app, "trainer@example.org", role="trainer"), role="trainer")
    for address in (f"/courses/core-blocks/a-cultural-sensitivity/intro/quiz/check/attempts/{number}",
                    f"/trainer/cohorts/{number}/", f"/trainer/cohorts/{number}/attendance"):
        assert client.get(address).status_code == 404, address
    posted = post(client, f"/trainer/cohorts/{number}/attendance", {"block": "x", "day": "2026-01-01"})
    assert posted.status_code in (404, 405)  # no rule takes the number, so no POST rule matches


def test_personal_responses_are_never_stored_by_a_cache(app: Flask, client: FlaskClient) -> None:
    certificate = _certificate(app, client, _completed(app, "olena@example.org"))
    for address in (f"/certificates/{certificate.code}.pdf", f"/courses/{COURSE}/{BLOCK}/", "/account/data.json",
                    f"/verify/{certificate.code}", f"/courses/{COURSE}/{BLOCK}/offline.json"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == "no-store", address
    static = client.get("/static/player.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
