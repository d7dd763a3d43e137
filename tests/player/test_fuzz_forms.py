"""No input answers 500 (issue 13): generated values posted to every form of the player, and
generated path parts in every address, on SQLite and on PostgreSQL.

The forms are not listed by hand: a learner, a trainer, an admin and a guest open the pages a
person would, and every `<form method="post">` found there is fuzzed with the fields it really
has. A last test proves the crawl reached every POST route of the app, so a new form cannot be
left out. Values: the form's own (an option, a token), nothing at all, text with NUL and other
control characters, numbers beyond any database integer, negative and decimal numbers, very long
strings, repeated keys. The session's form token is always valid, so the views are what is tested.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from player.store.models import SurveyAnswer
from player.web import db
from tests.conftest import csrf_token, post, sign_up
from tests.player.cohort_data import seed
from tests.player.trainer_helpers import new_user, sign_in_as

BLOCK = "/courses/core-blocks/a-cultural-sensitivity"
# Reached by the tests of their own areas with a real peer (an LMS's signed id_token), and here
# with generated values; they have no form on the player's pages.
NO_FORM_ON_A_PAGE = {"lti.login", "lti.launch", "lti.picked", "sync.sync", "outbox.retry"}
FUZZ = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=10),
    st.sampled_from(["\x00", "a\x00b", "99999999999999999999", "2147483648", "-1", "-2147483649", "0", "1e309",
                     "NaN", "1.5", " ", "", "x" * 5000, "'; DROP TABLE users; --", "<script>", "\ud7ff", "Ω" * 300]),
    st.integers().map(str),
)


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers


class _Forms(HTMLParser):
    """Every POST form of a page with its named fields, including those tied to it by `form=`."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.by_id, self.open, self.loose = page, [], {}, None, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.open = Form(self.page, urljoin(self.page, a.get("action") or self.page))
            self.forms.append(self.open)
            if "id" in a:
                self.by_id[a["id"]] = self.open
        elif tag in ("input", "select", "textarea", "button") and a.get("name"):
            value = a.get("value", "")
            if a.get("form"):
                self.loose.append((a["form"], a["name"], value))
            elif self.open is not None:
                self.open.fields.setdefault(a["name"], []).append(value)
        elif tag == "option" and self.open is not None and self.open.fields:
            last = list(self.open.fields)[-1]
            self.open.fields[last].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None

    def result(self) -> list[Form]:
        for form_id, name, value in self.loose:
            if form_id in self.by_id:
                self.by_id[form_id].fields.setdefault(name, []).append(value)
        return self.forms


def forms_on(client: FlaskClient, page: str) -> list[Form]:
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms(page)
    parser.feed(response.get_data(as_text=True))
    return [f for f in parser.result() if urlsplit(f.action).path not in ("/signout",)]


def values_for(form: Form) -> st.SearchStrategy[dict[str, list[str]]]:
    """For each field: one of its own values, a hostile value, several values, or nothing."""
    def one(offered: list[str]) -> st.SearchStrategy[list[str]]:
        own = st.sampled_from(offered or [""])
        return st.one_of(own.map(lambda v: [v]), HOSTILE_TEXT.map(lambda v: [v]),
                         st.lists(st.one_of(own, HOSTILE_TEXT), min_size=2, max_size=3), st.just([]))
    names = [n for n in form.fields if n != "csrf_token"]
    return st.fixed_dictionaries({n: one(form.fields[n]) for n in names},
                                 optional={"extra": st.lists(HOSTILE_TEXT, max_size=2)})


@dataclass
class Site:
    app: Flask
    clients: dict[str, FlaskClient]
    forms: list[tuple[str, Form]]
    cohort_id: int


@pytest.fixture
def site(app: Flask) -> Site:
    """A learner who took block A, a trainer with a cohort, an admin, a guest: and their forms."""
    seeded = seed(app)
    learner, trainer, admin, guest = (app.test_client() for _ in range(4))
    sign_up(learner, "fuzz@example.org")
    sign_in_as(app, trainer, seeded.trainer_id)
    sign_in_as(app, admin, new_user(app, "admin@example.org", role="admin"), role="admin")
    pages = {
        "guest": ["/signin", "/signup", f"{BLOCK}/", "/verify/"],
        "learner": [f"{BLOCK}/", *_steps(learner), "/account/", "/account/password",
                    "/sync/import", f"/join/{_join_code(trainer, seeded.cohort_id)}"],
        "trainer": ["/trainer/cohorts/new", f"/trainer/cohorts/{seeded.cohort_id}/attendance"],
        "admin": ["/admin/outbox"],
    }
    clients = {"guest": guest, "learner": learner, "trainer": trainer, "admin": admin}
    found = [(who, form) for who, urls in pages.items() for url in urls for form in forms_on(clients[who], url)]
    # The certificate buttons show only once a block (or the course) is finished; posted before that.
    found += [("learner", Form(f"{BLOCK}/", f"{BLOCK}/certificate")), ("learner", Form(f"{BLOCK}/", "/courses/core-blocks/certificate"))]
    return Site(app, clients, found, seeded.cohort_id)


def _steps(client: FlaskClient) -> list[str]:
    """Every step of block A, walked with Next as a learner would, and the evaluation."""
    start = client.get(f"{BLOCK}/").get_data(as_text=True)
    first = re.search(rf'href="({BLOCK}/[a-z0-9-]+)"', start)
    assert first, "no first step on the block's start page"
    steps = [first[1]]
    while True:
        response = post(client, steps[-1], {"go": "next"})
        target = urlsplit(response.headers.get("Location", "")).path
        if response.status_code != 302 or not target.startswith(BLOCK) or target.rstrip("/") == BLOCK or target in steps:
            return steps
        steps.append(target)


def _join_code(trainer: FlaskClient, cohort_id: int) -> str:
    page = trainer.get(f"/trainer/cohorts/{cohort_id}/").get_data(as_text=True)
    code = re.search(r"/join/([A-Za-z0-9-]+)", page)
    assert code, "the cohort page shows no join link"
    return code[1]


def _post(client: FlaskClient, action: str, data: dict[str, list[str]], page: str) -> int:
    flat = [(k, v) for k, values in data.items() for v in values]
    flat.append(("csrf_token", csrf_token(client, page if page.startswith("/") else "/signin")))
    return client.post(action, data=MultiDict(flat)).status_code


def test_every_form_answers_generated_values_without_a_500(site: Site) -> None:
    assert len(site.forms) >= 12, [f.action for _, f in site.forms]
    for who, form in site.forms:
        client = site.clients[who]

        @FUZZ
        @given(values_for(form))
        def fuzz(data: dict[str, list[str]]) -> None:
            status = _post(client, form.action, data, form.page)
            assert status < 500, (who, form.action, data)

        fuzz()


@pytest.mark.parametrize("address", [
    "/lti/login", "/lti/launch", "/lti/deep-link", "/admin/outbox/xapi/retry", "/admin/outbox/<x>/retry",
])
def test_the_routes_without_a_page_form_answer_generated_forms_without_a_500(site: Site, address: str) -> None:
    @FUZZ
    @given(st.dictionaries(st.sampled_from(["iss", "login_hint", "target_link_uri", "lti_message_hint", "id_token",
                                            "state", "client_id", "lti_deployment_id", "JWT", "picked"]),
                           st.lists(HOSTILE_TEXT, min_size=1, max_size=2), max_size=5))
    def fuzz(data: dict[str, list[str]]) -> None:
        for who in ("guest", "admin"):
            assert _post(site.clients[who], address.replace("<x>", "\x00"), data, "/signin") < 500, (who, address, data)

    fuzz()


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), HOSTILE_TEXT),
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(HOSTILE_TEXT, inner, max_size=4)),
                    max_leaves=12)
SYNC_KEYS = ["form_token", "submissions", "client_id", "url", "fields", "course", "block", "step", "quiz", "survey",
             "action", "saved_at", "version", "lang"]


def test_sync_answers_generated_json_without_a_500(site: Site) -> None:
    shaped = st.fixed_dictionaries({}, optional={
        "submissions": st.lists(st.dictionaries(st.sampled_from(SYNC_KEYS), JSON, max_size=8), max_size=3),
        "form_token": JSON,
    })

    @FUZZ
    @given(st.one_of(shaped, JSON))
    def fuzz(body: object) -> None:
        for who in ("learner", "guest"):
            client = site.clients[who]
            response = client.post("/sync", data=json.dumps(body), content_type="application/json",
                                   headers={"X-CSRFToken": csrf_token(client, "/signin")})
            assert response.status_code < 500, (who, body)

    fuzz()


def test_every_address_answers_generated_path_parts_without_a_500(site: Site) -> None:
    rules = [r for r in site.app.url_map.iter_rules() if "GET" in r.methods and r.arguments and r.endpoint != "static"]

    @FUZZ
    @given(st.sampled_from(rules), st.lists(HOSTILE_TEXT, min_size=4, max_size=4), st.sampled_from(["learner", "trainer", "guest"]))
    def fuzz(rule: object, parts: list[str], who: str) -> None:
        address = rule.rule  # type: ignore[attr-defined]
        for name, value in zip(rule.arguments, parts, strict=False):  # type: ignore[attr-defined]
            address = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", value.replace("/", "%2F").replace("?", "%3F").replace("#", "%23") or "x", address)
        assert site.clients[who].get(address).status_code < 500, (who, address)

    fuzz()


def test_the_crawl_reaches_every_post_route_of_the_app(site: Site) -> None:
    """The fuzzing above covers every form: a new POST route fails here until it is reached."""
    adapter = site.app.url_map.bind("localhost")
    reached = {adapter.match(urlsplit(f.action).path, method="POST")[0] for _, f in site.forms}
    posts = {r.endpoint for r in site.app.url_map.iter_rules() if "POST" in r.methods}
    assert posts - reached - NO_FORM_ON_A_PAGE - {"account.signout"} == set()


def test_an_out_of_range_rating_is_refused_with_a_page_and_nothing_stored(site: Site) -> None:
    """Issue 13 item 3: survey ratings outside their scale, on the evaluation form. What is not a
    whole number is no answer at all; a number off the scale is refused; nothing is stored."""
    learner = site.clients["learner"]
    evaluation = next(f for who, f in site.forms if who == "learner" and "/survey/" in f.action)
    with site.app.app_context():
        before = db.session().scalar(select(func.count()).select_from(SurveyAnswer))
    for name, value in (("q-eval-apply", "3"), ("q-eval-relevance", "-1"), ("q-eval-relevance", "99999999999999999999"),
                        ("q-eval-relevance", "\x00")):
        response = learner.post(evaluation.action, data={"csrf_token": csrf_token(learner, evaluation.page),
                                                         "client_id": str(uuid.uuid4()), name: value})
        assert response.status_code in (302, 400), (name, value, response.status_code)
        if value == "3":  # a number, but not on the yes/no scale: back to the form, saying what to mend
            page = learner.get(response.location).get_data(as_text=True)
            assert "could not be read" in page, (name, value)
    with site.app.app_context():
        assert db.session().scalar(select(func.count()).select_from(SurveyAnswer)) == before
