"""The player as an LTI 1.3 tool, launched by a platform made in the test (tests/player/
lti_platform.py: its own keys, JWKS and token and score endpoints on loopback, RS256 tokens).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from player.cli import main
from player.domain import lti
from player.store.models import Cohort, CohortTrainer, LtiAccount, LtiGradeTarget, LtiPlatform, Membership, OutboxMessage, User
from player.web import db
from tests.conftest import post
from tests.player.helpers import quiz_form
from tests.player.lti_platform import CLIENT_ID, DEPLOYMENT, ISSUER, LIS, Platform, login_query
from tests.player.test_learning import BASE, BLOCK, QUIZ, QUIZ_STEP

INSTRUCTOR = (f"{LIS}#Instructor",)


@pytest.fixture
def platform(app: Flask) -> Iterator[Platform]:
    found = Platform()
    with app.app_context(), db.writing() as write:
        lti.add_platform(write, lti.Registration("Test LMS", ISSUER, CLIENT_ID, f"{found.url}/auth", f"{found.url}/token",
                                                 f"{found.url}/jwks", (DEPLOYMENT,)))
    found.tool_jwks = app.test_client().get("/lti/jwks.json").get_json()
    yield found
    found.close()


def begin(client: FlaskClient, platform: Platform) -> tuple[str, str]:
    """The login initiation, as the LMS's iframe sends it: the state and nonce of the auth request."""
    response = client.get(f"/lti/login?{login_query(platform)}")
    assert response.status_code == 302 and response.location.startswith(f"{platform.url}/auth?")
    query = parse_qs(urlsplit(response.location).query)
    assert query["client_id"] == [CLIENT_ID] and query["redirect_uri"][0].endswith("/lti/launch")
    assert query["response_mode"] == ["form_post"] and query["lti_message_hint"] == ["message-hint"]
    return query["state"][0], query["nonce"][0]


def launch(client: FlaskClient, platform: Platform, **claims: object) -> TestResponse:
    state, nonce = begin(client, platform)
    token = platform.id_token(str(claims.pop("nonce", nonce)), **claims)  # type: ignore[arg-type]
    return client.post("/lti/launch", data={"id_token": token, "state": state})


def test_a_valid_launch_lands_on_the_block_signed_in_with_a_linked_account(app: Flask, client: FlaskClient, platform: Platform) -> None:
    response = launch(client, platform)
    assert response.status_code == 302 and response.location == f"{BASE}/"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("coursepack_session="))
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    page = client.get(response.location)
    assert page.status_code == 200 and BLOCK.title in page.get_data(as_text=True)
    assert f"frame-ancestors 'self' {platform.url}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert client.get("/account/").status_code == 200  # signed in, no second sign-up
    with app.app_context():
        user = db.session().scalars(select(User)).one()
        assert (user.name, user.email, user.role) == ("Lena Learner", "lena@lms.example.org", "learner")
        assert db.session().scalars(select(LtiAccount.subject)).one() == "lms-user-42"
        cohort = db.session().scalars(select(Cohort)).one()
        assert (cohort.name, cohort.course_id) == ("Social work 101", "sample")
        assert db.session().scalars(select(Membership.user_id)).one() == user.id
        assert db.session().scalars(select(LtiGradeTarget.lineitem)).one() == platform.lineitem
    again = launch(app.test_client(), platform)  # the same LMS user, another day: the same account
    assert again.status_code == 302
    with app.app_context():
        assert db.session().scalars(select(User.id)).all() == [user.id]


def test_an_ordinary_session_still_may_not_be_framed(client: FlaskClient) -> None:
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("claims, reason", [
    ({"exp": int(time.time()) - 300, "iat": int(time.time()) - 900}, "expired"),
    ({"aud": "someone-else"}, "audience"),
    ({"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-9"}, "deployment"),
    ({"iss": "https://other-lms.example.org"}, "issuer"),
    ({"nonce": "not-the-login-nonce"}, "nonce"),
])
def test_a_launch_with_a_bad_token_is_refused(client: FlaskClient, platform: Platform, claims: dict, reason: str) -> None:
    response = launch(client, platform, **claims)
    assert response.status_code == 400
    assert "refused" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302  # nobody signed in


def test_a_replayed_launch_is_refused(client: FlaskClient, platform: Platform) -> None:
    state, nonce = begin(client, platform)
    form = {"id_token": platform.id_token(nonce), "state": state}
    assert client.post("/lti/launch", data=form).status_code == 302
    assert client.post("/lti/launch", data=form).status_code == 400  # the same state and nonce again
    fresh_state, _fresh_nonce = begin(client, platform)  # a new login cannot carry the old token either
    assert client.post("/lti/launch", data={**form, "state": fresh_state}).status_code == 400


def test_a_launch_this_browser_did_not_start_is_refused(app: Flask, platform: Platform) -> None:
    state, nonce = begin(app.test_client(), platform)
    other_browser = app.test_client()
    assert other_browser.post("/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}).status_code == 400


def test_a_token_signed_by_another_key_is_refused(client: FlaskClient, platform: Platform) -> None:
    state, nonce = begin(client, platform)
    impostor = Platform()
    impostor.kid = platform.kid
    try:
        forged = impostor.id_token(nonce)
    finally:
        impostor.close()
    assert client.post("/lti/launch", data={"id_token": forged, "state": state}).status_code == 400


def test_an_instructor_becomes_trainer_of_the_context_cohort(app: Flask, platform: Platform) -> None:
    assert launch(app.test_client(), platform, sub="teacher-1", roles=INSTRUCTOR).status_code == 302
    second = f"{LIS}/Instructor#TeachingAssistant"
    assert launch(app.test_client(), platform, sub="teacher-2", roles=(second,)).status_code == 302
    with app.app_context():
        session = db.session()
        first = session.scalars(select(LtiAccount.user_id).filter_by(subject="teacher-1")).one()
        helper = session.scalars(select(LtiAccount.user_id).filter_by(subject="teacher-2")).one()
        cohort = session.scalars(select(Cohort)).one()
        assert cohort.trainer_id == first
        assert session.scalars(select(CohortTrainer.user_id)).all() == [helper]
        assert {u.role for u in session.scalars(select(User))} == {"trainer"}
        assert session.scalars(select(Membership)).all() == []


def test_deep_linking_returns_a_signed_resource_link(app: Flask, client: FlaskClient, platform: Platform) -> None:
    settings = {"deep_link_return_url": f"{platform.url}/deep-link-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"], "data": "opaque-42"}
    response = launch(client, platform, sub="teacher-1", roles=INSTRUCTOR, message_type="LtiDeepLinkingRequest",
                      custom={}, **{"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings})
    assert response.status_code == 302 and response.location == "/lti/deep-link"
    picker = client.get("/lti/deep-link").get_data(as_text=True)
    assert 'value="sample/every-construct"' in picker
    page = post(client, "/lti/deep-link", {"item": "sample/every-construct"}, )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="{platform.url}/deep-link-return"' in html
    assert f"form-action 'self' {platform.url}" in page.headers["Content-Security-Policy"]
    token = html.split('name="JWT" value="')[1].split('"')[0]
    key = jwt.PyJWK(platform.tool_jwks["keys"][0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=ISSUER)
    assert claims["iss"] == CLIENT_ID
    assert claims[lti.CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[lti.CLAIM + "deployment_id"] == DEPLOYMENT
    assert claims[lti.DL_CLAIM + "data"] == "opaque-42"
    [item] = claims[lti.DL_CLAIM + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"course": "sample", "block": "every-construct"}
    assert item["url"].endswith("/lti/launch") and item["lineItem"]["scoreMaximum"] == 100


def test_a_learner_may_not_deep_link(client: FlaskClient, platform: Platform) -> None:
    settings = {"deep_link_return_url": f"{platform.url}/deep-link-return", "accept_types": ["ltiResourceLink"]}
    response = launch(client, platform, message_type="LtiDeepLinkingRequest", custom={},
                      **{"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings})
    assert response.status_code == 400


def complete_block(client: FlaskClient) -> None:
    """Every step viewed, the quiz failed once and then passed."""
    for step in [s.id for s in BLOCK.sections]:
        assert post(client, f"{BASE}/{step}", {"go": "next"}).status_code == 302
    for right in (False, True):
        form = quiz_form(client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=right)
        assert post(client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", form).status_code == 302


def test_completing_the_block_posts_a_score_the_platform_records(app: Flask, client: FlaskClient, platform: Platform,
                                                                  database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert launch(client, platform).status_code == 302
    complete_block(client)
    with app.app_context():
        queued = db.session().scalars(select(OutboxMessage).filter_by(channel="lti-score")).all()
        assert [m.status for m in queued] == ["pending"]  # nothing was sent during the request
    assert platform.scores == []
    monkeypatch.setenv("COURSEPACK_ENV", "development")
    result = CliRunner().invoke(main, ["lti", "send", "--database", database_url])
    assert result.exit_code == 0, result.output
    [score] = platform.scores
    assert score["userId"] == "lms-user-42" and score["scoreGiven"] == 100.0 and score["scoreMaximum"] == 100
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    again = CliRunner().invoke(main, ["lti", "send", "--database", database_url])
    assert again.exit_code == 0 and len(platform.scores) == 1  # sent once
    status = CliRunner().invoke(main, ["lti", "status", "--database", database_url])
    assert "0 pending, 1 sent, 0 failed" in status.output


def test_the_cli_adds_lists_and_removes_platforms(database_url: str, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSEPACK_ENV", "development")
    monkeypatch.setenv("COURSEPACK_PUBLIC_URL", "https://player.example.org")
    runner = CliRunner()
    found = Platform()
    try:
        added = runner.invoke(main, [*found.cli_args(), "--database", database_url])
        assert added.exit_code == 0, added.output
        assert "Initiate login URL: https://player.example.org/lti/login" in added.output
        twice = runner.invoke(main, [*found.cli_args(), "--database", database_url])
        assert twice.exit_code == 1 and "registered already" in twice.output
        args = found.cli_args()
        slashed = [value + "/" if value == ISSUER else value for value in args]  # the same LMS, a '/' typed at the end
        assert slashed != args
        again = runner.invoke(main, [*slashed, "--database", database_url])
        assert again.exit_code == 1 and "with or without a '/' at the end" in again.output
        listed = runner.invoke(main, ["lti", "list", "--database", database_url])
        assert ISSUER in listed.output and DEPLOYMENT in listed.output and f"frame {found.url}" in listed.output
        platform_id = listed.output.split("\t")[0]
        assert runner.invoke(main, ["lti", "remove", platform_id, "--database", database_url]).exit_code == 0
        assert runner.invoke(main, ["lti", "list", "--database", database_url]).output == ""
        assert runner.invoke(main, ["lti", "remove", platform_id, "--database", database_url]).exit_code == 1
    finally:
        found.close()


def test_refusals_say_what_to_mend(app: Flask, client: FlaskClient, platform: Platform) -> None:
    """An integrator's review: 'client id None', a raw urlopen error for a keyset that cannot be
    fetched, and an LMS's own error answered as a missing cookie."""
    unknown = client.get("/lti/login?iss=https://unknown.example.org&login_hint=1&target_link_uri=x").get_data(as_text=True)
    assert "no platform is registered for issuer &#39;https://unknown.example.org&#39;;" in unknown and "None" not in unknown
    said = client.post("/lti/launch", data={"error": "login_required", "error_description": "The user is not logged in"})
    assert said.status_code == 400 and "the LMS refused the login: The user is not logged in" in said.get_data(as_text=True)
    with app.app_context(), db.writing() as write:
        write.scalars(select(LtiPlatform)).one().jwks_url = "http://127.0.0.1:1/nothing-here"
    state, nonce = begin(client, platform)
    page = client.post("/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}).get_data(as_text=True)
    assert "the public keyset of Test LMS could not be fetched from http://127.0.0.1:1/nothing-here" in page
