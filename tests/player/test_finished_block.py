"""The end of the journey reads right (issue 14, item 12): a finished block says so and offers
its certificate first, a passed block is reviewed rather than resumed, the account lists the
certificates, a trainer lands on their cohorts, scores read naturally in the learner's language,
an internal course is listed to admins only, and the player has an icon."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from player.web.step_page import steps
from tests.conftest import post, sign_up
from tests.player.helpers import quiz_form
from tests.player.test_learning import BASE, BLOCK, QUIZ, QUIZ_STEP
from tests.player.trainer_helpers import PASSWORD, new_user


def _pass_the_block(client: FlaskClient) -> None:
    for step in steps(BLOCK):
        post(client, f"{BASE}/{step}", {"go": "next"})
    post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=True))


def test_a_finished_block_says_so_first_and_offers_review_not_resume(client: FlaskClient) -> None:
    sign_up(client)
    _pass_the_block(client)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Well done: you passed this block." in page
    assert "Resume" not in page and "Review the block" in page
    certificate = page.index("Get your certificate")
    assert certificate < page.index("Before you start") and certificate < page.index("What you will be able to do")


def test_a_block_in_progress_still_resumes(client: FlaskClient) -> None:
    sign_up(client)
    post(client, f"{BASE}/{BLOCK.sections[0].id}", {"go": "next"})
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Resume" in page and "Review the block" not in page and "you passed this block" not in page


def test_the_account_page_lists_the_certificates(client: FlaskClient) -> None:
    sign_up(client)
    assert "None yet" in client.get("/account/").get_data(as_text=True)
    _pass_the_block(client)
    issued = post(client, f"{BASE}/certificate")
    code = re.search(r"/certificates/([^/]+)\.pdf$", issued.location)[1]  # type: ignore[index]
    page = client.get("/account/").get_data(as_text=True)
    assert f'href="/certificates/{code}.pdf">{BLOCK.title}</a>' in page
    assert f'href="/verify/{code}"' in page and "Sample course" in page


def test_a_trainer_who_signs_in_lands_on_their_cohorts(app: Flask, client: FlaskClient) -> None:
    for role, landing in (("trainer", "/trainer/"), ("admin", "/trainer/"), ("learner", "/")):
        email = f"{role}@example.org"
        new_user(app, email, role)
        response = post(client, "/signin", {"email": email, "password": PASSWORD})
        assert response.location == landing, role
        post(client, "/signout")
    new_user(app, "t2@example.org", "trainer")
    asked = post(client, "/signin", {"email": "t2@example.org", "password": PASSWORD, "next": f"{BASE}/"})
    assert asked.location == f"{BASE}/"  # a page they asked for comes first


def test_scores_read_naturally(client: FlaskClient) -> None:
    sign_up(client)
    wrong = post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=False))
    page = client.get(wrong.location).get_data(as_text=True)
    assert "Attempt 1: 0%" in page and "0 of 1 point" in page and "0 of 1 points" not in page
    assert not re.search(r"\d\.0\b", page)


def test_numbers_follow_the_interface_language(app: Flask) -> None:
    from player.web.i18n import local_number

    with app.test_request_context("/?lang=mk"):
        assert local_number(0.5) == "0,5" and local_number(1.0) == "1" and local_number(1234.25) == "1.234,25"
    with app.test_request_context("/?lang=en"):
        assert local_number(66.666, 1) == "66.7" and local_number(0.0) == "0"


def test_an_internal_course_is_listed_to_admins_only(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    assert "Sample course" not in client.get("/").get_data(as_text=True)
    assert client.get(f"{BASE}/").status_code == 200  # its address still opens for a signed-in reviewer
    post(client, "/signout")

    new_user(app, "trainer@example.org", "trainer")
    post(client, "/signin", {"email": "trainer@example.org", "password": PASSWORD})
    assert "Sample course" not in client.get("/").get_data(as_text=True)
    form = client.get("/trainer/cohorts/new").get_data(as_text=True)
    assert 'value="sample"' not in form and 'value="core-blocks"' in form
    refused = post(client, "/trainer/cohorts/new", {"name": "Pilot", "course_id": "sample", "lang": "en", "mode": "self-paced"})
    assert refused.status_code == 400
    post(client, "/signout")

    new_user(app, "admin@example.org", "admin")
    post(client, "/signin", {"email": "admin@example.org", "password": PASSWORD})
    assert "Sample course" in client.get("/").get_data(as_text=True)
    assert 'value="sample"' in client.get("/trainer/cohorts/new").get_data(as_text=True)


def test_the_player_has_an_icon(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
