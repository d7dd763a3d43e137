"""Pages are kept in pieces (player.store.keeping), so the test that matters: people using the
player side by side each see only their own answers, attempts, names and form tokens, on every
step page of a block, however their requests interleave."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blocks.load import Loader
from player.web.step_page import steps
from tests.conftest import COURSES, post
from tests.player.helpers import form_on_page, names_for, quiz_form
from tests.player.trainer_helpers import new_user, sign_in_as

BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = BLOCK.quizzes[0]
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/core-blocks/{BLOCK.id}"
FIRST = next(q for q in QUIZ.questions if q.options)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Person:
    name: str
    client: FlaskClient
    choice: int = -1
    token: str = ""  # the option token they saved
    csrf: str = ""


@pytest.fixture
def people(app: Flask) -> list[Person]:
    """Two learners, a guest and a trainer, each with a session of their own."""
    found = []
    for index, (name, role) in enumerate((("Ana Learner", "learner"), ("Boris Learner", "learner"), ("", "guest"), ("Tina Trainer", "trainer"))):
        client = app.test_client()
        if role != "guest":
            sign_in_as(app, client, new_user(app, f"person{index}@example.org", role, name))
        found.append(Person(name, client, choice=index % len(FIRST.options)))
    return found


def _save(person: Person) -> None:
    page = person.client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True)
    form = form_on_page(page, QUIZ)
    person.token = names_for(person.client, int(form["seed"])).token(FIRST, "option", person.choice)
    response = post(person.client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", {**form, "action": "save", f"q-{FIRST.id}": person.token})
    assert response.status_code == 302
    person.csrf = TOKEN.search(person.client.get(f"{BASE}/{QUIZ_STEP}").get_data(as_text=True))[1]  # a guest's session is new now


def test_everyone_sees_only_their_own_parts_on_every_step(people: list[Person]) -> None:
    ana, boris, guest, trainer = people
    for person in people:  # interleaved: each saves an answer, then Ana submits an attempt
        _save(person)
    assert post(ana.client, f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}", quiz_form(ana.client, f"{BASE}/{QUIZ_STEP}", QUIZ, right=False)).status_code == 302
    _save(ana)  # a second attempt, answered again

    for step in steps(BLOCK):
        for person in people:
            page = person.client.get(f"{BASE}/{step}").get_data(as_text=True)
            others = [p for p in people if p is not person]
            assert person.csrf in page, (person.name, step)
            for other in others:
                assert other.csrf not in page, (person.name, other.name, step)
                if other.name:
                    assert other.name not in page, (person.name, other.name, step)
            if person.name:
                assert person.name in page
            if step != QUIZ_STEP:
                continue
            checked = re.findall(rf'name="q-{FIRST.id}" value="([0-9a-f]+)" checked', page)
            names = names_for(person.client, int(form_on_page(page, QUIZ)["seed"]))
            assert checked == [names.token(FIRST, "option", person.choice)], (person.name, step)
            assert ("Attempt 1:" in page) == (person is ana), person.name
            assert not any(other.token in page for other in others), person.name  # tokens are per attempt
