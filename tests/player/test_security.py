"""SPEC section 11 for the player: each rule has a test here."""

from __future__ import annotations

import os
import re
import time

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from flask_limiter.util import get_qualified_name
from sqlalchemy import func, select

from player import create_app
from player.store.database import Base
from player.store.keeping import FORM_TOKENS, SESSION_COOKIES
from player.store.migrate import upgrade
from player.store.models import User
from player.web import auth, db
from player.web.access import POLICIES, allow
from player.web.config import ConfigError
from tests.conftest import csrf_token, post, sign_up

PASSWORD = "a long enough password"
SAMPLE_ARGS = {"course_id": "core-blocks", "block_id": "a-cultural-sensitivity", "step_id": "evaluation",
               "quiz_id": "check", "survey_id": "evaluation", "number": 1, "code": "nope",
               "handout_id": "h1", "filename": "x.png", "cohort_id": 1, "user_id": 1, "report": "grid",
               "breakdown": "blocks", "channel": "xapi"}


def _urls(app: Flask, method: str) -> list[tuple[str, str]]:
    with app.test_request_context():
        from flask import url_for

        return [
            (rule.endpoint, url_for(rule.endpoint, **{k: SAMPLE_ARGS[k] for k in rule.arguments}))
            for rule in app.url_map.iter_rules()
            if method in rule.methods and rule.endpoint != "static"
        ]


def _row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session().scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_every_endpoint_declares_an_access_policy(app: Flask) -> None:
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if getattr(app.view_functions[rule.endpoint], "access_policy", None) not in POLICIES]
    assert missing == []


def test_an_endpoint_without_policy_is_denied(app_config: dict) -> None:
    app = create_app(app_config)
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    app.add_url_rule("/declared", "declared", allow("public")(lambda: "fine"))
    assert app.test_client().get("/forgotten").status_code == 404
    assert app.test_client().get("/declared").status_code == 200


def test_non_public_endpoints_refuse_anonymous_visitors(app: Flask, client: FlaskClient) -> None:
    for endpoint, url in _urls(app, "GET"):
        if app.view_functions[endpoint].access_policy in ("user", "trainer", "admin"):
            response = client.get(url)
            assert response.status_code == 302 and "/signin" in response.location, endpoint


def test_trainer_pages_refuse_learners_and_show_notes_to_trainers(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    for endpoint, url in _urls(app, "GET"):
        if app.view_functions[endpoint].access_policy in ("trainer", "admin"):
            assert client.get(url).status_code == 403, endpoint
    with app.app_context(), db.writing() as write:
        write.get(User, 1).role = "trainer"
    page = client.get("/preview/sample/every-construct/").get_data(as_text=True)
    assert "Model the activity with your own name" in page and "Facilitator notes" in page


def test_every_state_change_needs_a_csrf_token(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    posts = _urls(app, "POST")
    assert len(posts) >= 8
    for endpoint, url in posts:
        assert client.post(url, data={"go": "next"}).status_code == 400, endpoint


def test_a_kept_form_token_is_the_sessions_own_and_still_checked(app: Flask, app_config: dict) -> None:
    """Tokens signed once per session (no time limit) are Flask-WTF's: another worker with the
    same secret accepts them, another session's token is refused, a changed one too."""
    first, second = app.test_client(), app.test_client()
    token = csrf_token(first)
    assert csrf_token(first, "/signup") == token  # kept, not signed again
    assert csrf_token(second) != token
    other_worker = create_app(app_config).test_client()
    other_worker.set_cookie("coursepack_session", first.get_cookie("coursepack_session").value)
    assert other_worker.post("/signup", data={"csrf_token": token, "email": "a@example.org", "password": "a long enough password"}).status_code == 302
    assert second.post("/signup", data={"csrf_token": token, "email": "b@example.org"}).status_code == 400
    assert first.post("/signup", data={"csrf_token": token[:-2] + "xx", "email": "c@example.org"}).status_code == 400


def test_form_tokens_are_signed_afresh_when_they_have_a_time_limit(app_config: dict) -> None:
    app = create_app({**app_config, "WTF_CSRF_TIME_LIMIT": 3600})
    with app.app_context():
        upgrade(db.engine())
    client = app.test_client()
    csrf_token(client)
    assert app.extensions["coursepack_memory"].count(FORM_TOKENS) == 0
    app.extensions["coursepack_engine"].dispose()


def test_a_signed_form_token_is_kept_per_session(app: Flask) -> None:
    clients = [app.test_client() for _ in range(3)]
    tokens = [csrf_token(client) for client in clients]
    assert [csrf_token(client) for client in clients] == tokens and len(set(tokens)) == 3
    assert app.extensions["coursepack_memory"].count(FORM_TOKENS) == 3


@pytest.mark.parametrize("visitor", ["signed in", "first-time"])
def test_no_get_changes_state(app: Flask, client: FlaskClient, visitor: str) -> None:
    """A first-time visitor included: no page makes them a guest (a row) by being read."""
    if visitor == "signed in":
        sign_up(client)
    before = _row_counts(app)
    for _endpoint, url in _urls(app, "GET"):
        client.get(url)
        client.get(url + "?lang=mk")
    assert _row_counts(app) == before


def test_session_cookie_flags_outside_development(app_config: dict) -> None:
    config = {k: v for k, v in app_config.items() if k != "SESSION_COOKIE_SECURE"}
    app = create_app(config)
    with app.app_context():
        upgrade(db.engine())
    client = app.test_client()
    response = client.get("/signin", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_out_makes_a_copied_cookie_worthless(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    stolen = client.get_cookie("coursepack_session").value
    assert client.get("/account/password").status_code == 200
    post(client, "/signout")
    thief = app.test_client()
    thief.set_cookie("coursepack_session", stolen)
    response = thief.get("/account/password")
    assert response.status_code == 302 and "/signin" in response.location


def test_password_change_ends_other_sessions(app: Flask, client: FlaskClient) -> None:
    sign_up(client, email="two@example.org")
    other = app.test_client()
    post(other, "/signin", {"email": "two@example.org", "password": PASSWORD})
    assert other.get("/account/password").status_code == 200
    post(client, "/account/password", {"current_password": PASSWORD, "new_password": "another long password"})
    assert client.get("/account/password").status_code == 200
    assert other.get("/account/password").status_code == 302
    assert post(app.test_client(), "/signin", {"email": "two@example.org", "password": "another long password"}).status_code == 302


def test_passwords_are_hashed_with_argon2id(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    with app.app_context():
        stored = db.session().scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_security_headers_and_strict_csp(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in response.headers


def test_security_headers_come_once_and_keep_what_a_view_set(client: FlaskClient, app_config: dict) -> None:
    page, data = client.get("/"), client.get("/healthz")
    for response in (page, data):
        names = [name.lower() for name, _value in response.headers]
        assert len(names) == len(set(names)), names  # none twice
        assert response.headers["X-Frame-Options"] == "DENY"
    # nothing but static files is stored by a cache unless the view says so (issue 13 item 7)
    assert page.headers["Cache-Control"] == "no-store" and data.headers["Cache-Control"] == "no-store"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"  # the view's own, kept
    css = client.get("/static/player.css")
    assert css.headers.get("Cache-Control") != "no-store" and css.headers["X-Content-Type-Options"] == "nosniff"
    development = create_app({**app_config, "DEVELOPMENT": True}).test_client()
    assert "Strict-Transport-Security" not in development.get("/healthz").headers


def test_secret_key_is_required_outside_development(app_config: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("COURSEPACK_ENV", raising=False)
    config = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)
    with pytest.raises(ConfigError, match="SECRET_KEY has 5 characters: .* at least 32"):
        create_app({**config, "SECRET_KEY": "short"})
    monkeypatch.setenv("FLASK_DEBUG", "1")  # only COURSEPACK_ENV relaxes the rules
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(config)
    monkeypatch.setenv("COURSEPACK_ENV", "development")
    assert create_app(config).config["SECRET_KEY"]


def test_behind_a_proxy_the_visitors_own_address_is_throttled(app_config: dict) -> None:
    """Behind nginx every request comes from 127.0.0.1: without trusting the proxy's
    X-Forwarded-For, the sign-up limit of one address would be the whole site's."""
    def sign_ups(config: dict) -> list[int]:
        app = create_app({**config, "SIGNUP_LIMIT": "2 per 10 minutes"})
        with app.app_context():
            upgrade(db.engine())
        codes = []
        for n in range(3):
            client = app.test_client()
            token = csrf_token(client, "/signup")
            codes.append(client.post("/signup", data={"csrf_token": token, "email": f"p{n}@example.org", "password": PASSWORD,
                                                      "name": "P"}, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code)
        return codes
    assert sign_ups(app_config)[-1] == 429  # one address: the proxy's
    assert 429 not in sign_ups({**app_config, "PROXIES": "1", "DATABASE_URL": app_config["DATABASE_URL"]})
    with pytest.raises(ConfigError, match="COURSEPACK_PROXIES"):
        create_app({**app_config, "PROXIES": "yes"})


def test_sign_in_redirects_only_within_the_site(client: FlaskClient) -> None:
    sign_up(client, email="r@example.org")
    post(client, "/signout")
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = post(client, "/signin", {"email": "r@example.org", "password": PASSWORD, "next": target})
        assert response.location == "/", target
        post(client, "/signout")


def test_a_certificate_is_only_its_holders(app: Flask, client: FlaskClient) -> None:
    from player.store.models import Certificate

    sign_up(client, email="holder@example.org")
    with app.app_context(), db.writing() as write:
        write.add(Certificate(code="abc123", user_id=1, course_id="core-blocks", name="Holder", title="Block", hours=1.5))
    post(client, "/signout")
    sign_up(client, email="other@example.org")
    assert client.get("/certificates/abc123.pdf").status_code == 404
    assert "Holder" in client.get("/verify/abc123").get_data(as_text=True)
    assert client.get("/verify/nope").status_code == 404


def _failed_logins(client: FlaskClient, times: int) -> list[int]:
    token = csrf_token(client)
    return [client.post("/signin", data={"csrf_token": token, "email": "x@example.org", "password": "wrong"}).status_code for _ in range(times)]


def test_login_is_throttled(client: FlaskClient) -> None:
    codes = _failed_logins(client, 7)
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]


def test_account_deletion_is_throttled(client: FlaskClient) -> None:
    """Deleting an account asks for the password, so guessing it there is throttled like sign-in."""
    sign_up(client)
    token = csrf_token(client)
    codes = [client.post("/account/delete", data={"csrf_token": token, "password": "wrong", "confirm": "yes"}).status_code
             for _ in range(7)]
    assert codes[:5] == [400] * 5 and codes[5:] == [429, 429]


def test_throttled_answers_carry_the_rate_limit_headers(client: FlaskClient) -> None:
    token = csrf_token(client)
    first = client.post("/signin", data={"csrf_token": token, "email": "x@example.org", "password": "wrong"})
    assert first.headers["X-RateLimit-Limit"] == "5" and first.headers["X-RateLimit-Remaining"] == "4"
    for _ in range(5):
        last = client.post("/signin", data={"csrf_token": token, "email": "x@example.org", "password": "wrong"})
    assert last.status_code == 429 and "Retry-After" in last.headers
    sign_up(client, email="other@example.org")
    deletion = client.post("/account/delete", data={"csrf_token": csrf_token(client), "password": "wrong", "confirm": "yes"})
    assert deletion.headers["X-RateLimit-Limit"] == "5"
    assert "X-RateLimit-Limit" not in client.get("/").headers


def test_every_throttled_view_is_in_a_throttled_area(app: Flask) -> None:
    """Flask-Limiter's after-request hooks run only for THROTTLED_AREAS (see auth.init_app)."""
    marked = auth.limiter._marked_for_limiting
    endpoints = {get_qualified_name(view): endpoint for endpoint, view in app.view_functions.items()}
    assert {endpoints[name] for name in marked} >= {"account.signin", "data.delete"}
    for name in marked:
        assert endpoints[name].split(".")[0] in auth.THROTTLED_AREAS, name


REDIS_URL = os.environ.get("COURSEPACK_TEST_REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="login throttling across workers needs COURSEPACK_TEST_REDIS_URL (a Redis server)")
def test_login_throttle_holds_across_workers(app_config: dict, database_url: str) -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    workers = []
    for _ in range(2):
        worker = create_app({**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL})
        with worker.app_context():
            upgrade(db.engine())
        workers.append(worker.test_client())
    codes = _failed_logins(workers[0], 3) + _failed_logins(workers[1], 3)
    assert codes == [401] * 5 + [429]
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_join_code_puts_the_learner_in_the_cohort(app: Flask, client: FlaskClient) -> None:
    from player.store.models import Cohort, Membership

    with app.app_context(), db.writing() as write:
        write.add(Cohort(name="Skopje spring", course_id="core-blocks", join_code="JOIN42"))
    assert sign_up(client, code="join42").status_code == 302  # as typed on a phone: lower case
    assert sign_up(app.test_client(), email="b@example.org", code="WRONG").status_code == 400
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Membership)) == 1


def test_html_never_contains_a_script_from_content(client: FlaskClient) -> None:
    """The only scripts are the player's own files (the offline enhancement): none inline, none from content."""
    page = client.get("/courses/core-blocks/").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    sources = re.findall(r'<script src="([^"]+)" defer>', page)
    assert scripts and all(body.strip() == "" for body in scripts)
    assert sources == ["/static/offline/outbox.js", "/static/offline/page.js"]


# --- the session cookie, checked once per cookie ----------------------------------------------


def _cookie(app: Flask, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def _open(app: Flask, cookie: str) -> dict:
    with app.test_request_context(headers={"Cookie": f"coursepack_session={cookie}"}):
        return dict(app.session_interface.open_session(app, request))


def test_a_kept_session_cookie_is_handed_out_as_a_copy(app: Flask) -> None:
    cookie = _cookie(app, {"sid": 7, "lang": "mk"})
    with app.test_request_context(headers={"Cookie": f"coursepack_session={cookie}"}):
        session = app.session_interface.open_session(app, request)
        session["lang"] = "uk"  # a request changing its session...
    assert _open(app, cookie) == {"sid": 7, "lang": "mk"}  # ...changes nothing kept
    assert app.extensions["coursepack_memory"].count(SESSION_COOKIES) == 1


def test_a_changed_or_foreign_cookie_is_still_refused(app: Flask, app_config: dict) -> None:
    cookie = _cookie(app, {"sid": 7})
    assert _open(app, cookie) == {"sid": 7}
    payload, _, signature = cookie.rpartition(".")
    assert _open(app, payload + "." + signature[::-1]) == {}
    other = create_app({**app_config, "SECRET_KEY": "another-secret-" + "y" * 32})
    assert _open(app, _cookie(other, {"sid": 1})) == {}
    app.secret_key = "a-rotated-secret-" + "z" * 32  # a new key forgets what was checked with the old
    assert _open(app, cookie) == {}
    other.extensions["coursepack_engine"].dispose()


def test_a_kept_session_cookie_still_expires(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    cookie = _cookie(app, {"sid": 7})
    assert _open(app, cookie) == {"sid": 7}
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + app.permanent_session_lifetime.total_seconds() + 5)
    assert _open(app, cookie) == {}


def test_only_cookies_of_plain_values_are_kept(app: Flask) -> None:
    flashed = _cookie(app, {"sid": 7, "_flashes": [["error", "Wrong password"]]})
    assert _open(app, flashed)["_flashes"] == [["error", "Wrong password"]]
    assert app.extensions["coursepack_memory"].count(SESSION_COOKIES) == 0


def test_a_fault_of_ours_shows_the_players_page_in_the_learners_language(app_config: dict) -> None:
    """Redis gone, a bug: the log has the traceback, the visitor a page that says what to do."""
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    with app.app_context():
        upgrade(db.engine())
    client = app.test_client()
    reply = client.post("/signin?lang=uk", data={"csrf_token": csrf_token(client, "/signin?lang=uk"), "email": "a@example.org",
                                                 "password": PASSWORD})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 500 and 'lang="uk"' in page and "Усе, що ви зберегли раніше, залишається" in page
    assert "Traceback" not in page and "Internal Server Error" not in page
    health = client.get("/healthz")
    assert health.status_code == 503 and "Redis" in health.json["status"]
