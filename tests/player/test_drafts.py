"""Answers are never lost on the way: Previous and Next keep a quiz's answers as a draft (issue 14,
item 1), and a quiz with unanswered questions asks before an attempt is spent (item 3)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from blocks.load import Loader
from player.store.models import Answer, Attempt
from player.web import db
from player.web.step_page import steps
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import form_on_page, names_for, quiz_answers

SAMPLE = Loader().course(COURSES / "sample")
BLOCK = SAMPLE.blocks[0]
QUIZ = BLOCK.quizzes[0]
BASE = "/courses/sample/every-construct"
QUIZ_STEP = next(s.id for s in BLOCK.sections if s.nodes(type(QUIZ)))
STEP_URL = f"{BASE}/{QUIZ_STEP}"
FOLLOWING = steps(BLOCK)[steps(BLOCK).index(QUIZ_STEP) + 1]  # the quiz is on the last section: the evaluation


def _one_answer(client: FlaskClient) -> tuple[dict[str, str], str]:
    """The quiz form's hidden fields with the first question answered (its second option)."""
    form = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
    single = QUIZ.questions[0]
    token = names_for(client, int(form["seed"])).token(single, "option", 1)
    return {**form, "quiz": QUIZ.id, f"q-{single.id}": token}, token


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def test_next_and_previous_belong_to_the_quiz_form_while_it_can_be_answered(client: FlaskClient) -> None:
    sign_up(client)
    page = client.get(STEP_URL).get_data(as_text=True)
    assert f'<form method="post" action="{STEP_URL}/quiz/{QUIZ.id}" id="answers-{QUIZ.id}" autocomplete="off">' in page
    for go in ("previous", "next"):
        button = re.search(rf'<button type="submit" name="go" value="{go}"[^>]*>', page)
        assert button and f'form="answers-{QUIZ.id}"' in button[0] and f'formaction="{STEP_URL}"' in button[0]


def test_next_keeps_the_answers_given_as_a_draft(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    data, token = _one_answer(client)
    response = post(client, STEP_URL, {**data, "go": "next"})
    assert response.status_code == 302 and response.location.endswith(f"/{FOLLOWING}")
    assert "kept as a draft" in client.get(response.location).get_data(as_text=True)
    page = client.get(STEP_URL).get_data(as_text=True)
    assert re.search(rf'name="q-{QUIZ.questions[0].id}" value="{token}" checked', page)
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        assert attempt.submitted_at is None  # a draft: no attempt is spent


def test_a_repeated_next_records_the_draft_once(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    data, _token = _one_answer(client)
    post(client, STEP_URL, {**data, "go": "next"})
    changed = {**data, f"q-{QUIZ.questions[0].id}": names_for(client, int(data["seed"])).token(QUIZ.questions[0], "option", 0)}
    post(client, STEP_URL, {**changed, "go": "next"})  # the same client id: a retry, nothing more written
    assert _count(app, Answer) == 1


def test_next_without_answers_starts_no_attempt(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    form = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
    assert post(client, STEP_URL, {**form, "quiz": QUIZ.id, "go": "previous"}).status_code == 302
    assert _count(app, Attempt) == 0


def test_an_unreadable_draft_stays_on_the_step(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    data, _token = _one_answer(client)
    response = post(client, STEP_URL, {**data, f"q-{QUIZ.questions[0].id}": "no-such-token", "go": "next"})
    assert response.location.endswith(f"{STEP_URL}#{QUIZ.id}")
    assert _count(app, Attempt) == 0


def test_once_the_quiz_is_done_next_is_the_steps_own_form(client: FlaskClient) -> None:
    sign_up(client)
    assert QUIZ.attempts is not None
    for _ in range(QUIZ.attempts):  # a check quiz takes attempts until they are used up
        form = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
        names = names_for(client, int(form["seed"]))
        post(client, f"{STEP_URL}/quiz/{QUIZ.id}", {**form, **quiz_answers(QUIZ, True, names), "action": "submit"})
    page = client.get(STEP_URL).get_data(as_text=True)
    assert f'id="answers-{QUIZ.id}"' not in page and 'form="answers-' not in page
    assert '<form method="post" class="step-nav">' in page


def _submit(client: FlaskClient, data: dict[str, str]):  # noqa: ANN202
    return post(client, f"{STEP_URL}/quiz/{QUIZ.id}", {**data, "action": "submit"})


def test_a_half_answered_quiz_asks_before_an_attempt_is_spent(app: Flask, client: FlaskClient) -> None:
    sign_up(client)
    data, token = _one_answer(client)
    response = _submit(client, data)
    assert response.status_code == 302 and response.location.endswith(f"/quiz/{QUIZ.id}/confirm")
    page = client.get(response.location).get_data(as_text=True)
    missing = len(QUIZ.questions) - 1
    assert f"{missing} questions are not answered: submit anyway?" in page
    listed = re.findall(r'<li><a href="[^"#]+#([^"]+)">Question (\d+)</a></li>', page)  # which ones, each a link to it
    assert listed == [(q.id, str(n)) for n, q in enumerate(QUIZ.questions, 1) if n > 1]
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        assert attempt.submitted_at is None  # nothing spent yet, and the answer given is kept
    assert re.search(rf'name="q-{QUIZ.questions[0].id}" value="{token}" checked', client.get(STEP_URL).get_data(as_text=True))

    confirmed = dict(re.findall(r'<input type="hidden" name="(client_id|seed|anyway)" value="([^"]*)">', page))
    done = _submit(client, confirmed)
    assert done.location.endswith("/attempts/1")
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        assert attempt.submitted_at is not None and attempt.number == 1


def test_a_fully_answered_quiz_is_submitted_at_once(client: FlaskClient) -> None:
    sign_up(client)
    form = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
    response = _submit(client, {**form, **quiz_answers(QUIZ, False, names_for(client, int(form["seed"])))})
    assert response.location.endswith("/attempts/1")


def test_answers_saved_earlier_count_as_answered(client: FlaskClient) -> None:
    sign_up(client)
    form = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
    every = quiz_answers(QUIZ, True, names_for(client, int(form["seed"])))
    post(client, f"{STEP_URL}/quiz/{QUIZ.id}", {**form, **every, "action": "save"})
    again = form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)
    assert _submit(client, again).location.endswith("/attempts/1")  # nothing new typed, nothing missing


def test_the_question_is_not_asked_when_nothing_is_missing(client: FlaskClient) -> None:
    sign_up(client)
    response = client.get(f"{STEP_URL}/quiz/{QUIZ.id}/confirm")
    assert response.status_code == 302 and response.location.endswith(f"{STEP_URL}#{QUIZ.id}")



# -- a new attempt's order: the one its page showed ------------------------------------------
CORE = Loader().course(COURSES / "core-blocks")  # public: a first-time visitor may answer
CORE_BLOCK = CORE.blocks[1]
CORE_QUIZ = next(q for q in CORE_BLOCK.quizzes if q.attempts)
CORE_STEP = f"/courses/core-blocks/{CORE_BLOCK.id}/" + next(s.id for s in CORE_BLOCK.sections if CORE_QUIZ in s.nodes(type(CORE_QUIZ)))


def _seed_and_order(client: FlaskClient) -> tuple[str, list[str]]:
    """The quiz form's seed and the order its questions' options are shown in."""
    page = client.get(CORE_STEP).get_data(as_text=True)
    return form_on_page(page, CORE_QUIZ)["seed"], re.findall(r'name="q-[^"]+" value="([^"]+)"', page)


def _save_one(client: FlaskClient, seed: str) -> None:
    single = next(q for q in CORE_QUIZ.questions if q.options)
    form = {**form_on_page(client.get(CORE_STEP).get_data(as_text=True), CORE_QUIZ), "seed": seed, "action": "save",
            f"q-{single.id}": names_for(client, int(seed)).token(single, "option", 1)}
    post(client, f"{CORE_STEP}/quiz/{CORE_QUIZ.id}", form)


def test_a_first_time_visitors_options_stay_in_place_when_their_first_save_makes_them_a_guest(
        app: Flask, client: FlaskClient) -> None:
    """The page had no learner to make the order from; the guest the save makes keeps it."""
    seed, order = _seed_and_order(client)
    assert len(order) > 2
    _save_one(client, seed)
    assert _seed_and_order(client) == (seed, order)
    with app.app_context():
        assert db.session().scalars(select(Attempt.seed)).all() == [int(seed)]


def test_a_form_cannot_choose_its_attempts_order(app: Flask, client: FlaskClient) -> None:
    """Only a seed a page could have shown is taken for a new attempt; any other gives the learner's."""
    sign_up(client)
    _save_one(client, "12345")
    with app.app_context():
        stored = db.session().scalars(select(Attempt.seed)).all()
    assert len(stored) == 1 and stored != [12345] and _seed_and_order(client)[0] == str(stored[0])


def test_the_saved_message_shows_at_the_quiz_where_the_page_opens(client: FlaskClient) -> None:
    """The page opens at #quiz: on a phone a message at the top of the page was out of sight."""
    seed, _order = _seed_and_order(client)
    _save_one(client, seed)
    page = client.get(CORE_STEP).get_data(as_text=True)
    quiz = re.search(rf'<section class="quiz" id="{CORE_QUIZ.id}"[^>]*>(.*?)</section>', page, re.S)
    assert quiz and '<p class="flash success" role="status">Your answers are saved.</p>' in quiz[1]
    assert page.count("Your answers are saved.") == 1
    assert "Your answers are saved." not in client.get(CORE_STEP).get_data(as_text=True)  # shown once
