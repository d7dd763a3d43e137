"""Answer fields: the order options come in, and the fields a quiz step shows each learner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blocks.load import Loader
from blocks.qtypes import display_order
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import form_on_page, names_for, quiz_form

BLOCK = Loader().course(COURSES / "sample").blocks[0]
QUIZ = BLOCK.quizzes[0]
SINGLE, MATCH, ORDER = (next(q for q in QUIZ.questions if q.type == kind) for kind in ("single", "match", "order"))
BASE = "/courses/sample/every-construct"


def test_options_keep_their_source_order_unless_the_quiz_shuffles() -> None:
    assert display_order(SINGLE, seed=7, shuffle=False) == tuple(range(len(SINGLE.options)))
    orders = {display_order(SINGLE, seed, shuffle=True) for seed in range(40)}
    assert len(orders) > 1 and all(sorted(order) == list(range(len(SINGLE.options))) for order in orders)


@pytest.mark.parametrize("question", [MATCH, ORDER], ids=["match", "order"])
def test_match_choices_and_order_items_are_always_shuffled_never_right(question) -> None:  # noqa: ANN001
    """In source order they would give the answer away, whatever the quiz says."""
    count = len(question.pairs or question.items)
    orders = {display_order(question, seed, shuffle=False) for seed in range(40)}
    assert len(orders) > 1 and all(sorted(order) == list(range(count)) for order in orders)
    assert tuple(range(count)) not in orders
    assert display_order(question, 3, False) == display_order(question, 3, False)  # stable for an attempt


@pytest.fixture
def courses_dir(tmp_courses: Path) -> Path:
    """The sample quiz without shuffle=true: its options must come in the order written."""
    path = tmp_courses / "sample" / "every-construct" / "block.md"
    path.write_text(path.read_text(encoding="utf-8").replace(" shuffle=true}", "}"), encoding="utf-8")
    return tmp_courses


def _fieldset(page: str, question_id: str) -> str:
    return re.search(rf'<fieldset class="question" id="{question_id}">(.*?)</fieldset>', page, re.S)[1]


def _option_texts(page: str, question_id: str) -> list[str]:
    return re.findall(r'<label class="option"><input [^>]*> <span>(.*?)</span></label>', _fieldset(page, question_id), re.S)


def _checked(page: str, question_id: str) -> list[str]:
    return re.findall(r'value="([0-9a-f]+)" checked', _fieldset(page, question_id))


def test_an_unshuffled_quiz_shows_options_as_written_to_every_learner(client: FlaskClient, app: Flask) -> None:
    sign_up(client)
    other = app.test_client()
    sign_up(other, email="other@example.org")
    for learner in (client, other):
        page = learner.get(f"{BASE}/check").get_data(as_text=True)
        assert _option_texts(page, SINGLE.id) == [option.html for option in SINGLE.options]


def test_a_saved_answer_shows_although_the_empty_form_was_rendered_before(client: FlaskClient) -> None:
    """Fields are kept per saved answer and hints shown: a save must never show the old form."""
    sign_up(client)
    page = client.get(f"{BASE}/check").get_data(as_text=True)
    assert _checked(page, SINGLE.id) == []
    form = form_on_page(page, QUIZ)
    third = names_for(client, int(form["seed"])).token(SINGLE, "option", 2)
    assert post(client, f"{BASE}/check/quiz/{QUIZ.id}", {**form, "action": "save", f"q-{SINGLE.id}": third}).status_code == 302
    page = client.get(f"{BASE}/check").get_data(as_text=True)
    assert _checked(page, SINGLE.id) == [third]
    hint = re.search(rf'<fieldset class="question" id="{SINGLE.id}">.*?</fieldset>', page, re.DOTALL)[0]
    assert re.search(r'<details class="hint"><summary>Show a hint</summary>\s*<div role="note"><strong>Hint:</strong> <p>'
                     r'Think about what a newly arrived family needs to know first.', hint)  # asked for in the page: nothing is reloaded


def test_a_token_of_no_option_is_refused_and_nothing_is_kept(client: FlaskClient) -> None:
    sign_up(client)
    form = form_on_page(client.get(f"{BASE}/check").get_data(as_text=True), QUIZ)
    for forged in ("0", "1", "deadbeefdeadbeef", "é" * 16, "\u0440" * 16, names_for(client, int(form["seed"]) + 1).token(SINGLE, "option", 1)):
        response = post(client, f"{BASE}/check/quiz/{QUIZ.id}", {**form, "action": "save", f"q-{SINGLE.id}": forged})
        assert response.status_code == 302
        page = client.get(response.location).get_data(as_text=True)
        assert "One answer could not be read" in page and _checked(page, SINGLE.id) == []


@pytest.mark.parametrize("seed", ["", "x", "-1", "2147483648", "1e3", "٣"])
def test_a_quiz_form_without_a_sound_seed_is_refused(client: FlaskClient, seed: str) -> None:
    sign_up(client)
    form = form_on_page(client.get(f"{BASE}/check").get_data(as_text=True), QUIZ)
    assert post(client, f"{BASE}/check/quiz/{QUIZ.id}", {**form, "seed": seed, "action": "save"}).status_code == 400


def test_the_quiz_head_follows_each_learners_attempts(client: FlaskClient, app: Flask) -> None:
    """The quiz (attempts left, scores, the form) is kept per state of attempts: it changes with
    every attempt, and the learner who has not tried yet still sees theirs."""
    sign_up(client)
    page = client.get(f"{BASE}/check").get_data(as_text=True)
    assert "3 attempts left" in page and "Best score" not in page and 'name="action" value="submit"' in page
    for number in (1, 2, 3):
        form = quiz_form(client, f"{BASE}/check", QUIZ, right=False)
        assert post(client, f"{BASE}/check/quiz/{QUIZ.id}", form).location.endswith(f"/attempts/{number}")
        page = client.get(f"{BASE}/check").get_data(as_text=True)
        assert f"Attempt {number}:" in page and "Best score" in page
    assert "You have used all attempts at this quiz." in page and 'name="action" value="submit"' not in page
    newcomer = app.test_client()
    sign_up(newcomer, email="newcomer@example.org")
    fresh = newcomer.get(f"{BASE}/check").get_data(as_text=True)
    assert "3 attempts left" in fresh and "Attempt 1:" not in fresh and 'name="action" value="submit"' in fresh


def test_choose_all_that_apply_is_said_once(client: FlaskClient) -> None:
    """The note of a multiple-choice question, unless its stem says it already (as the bundled
    core blocks' stems do, following docs/authoring.md)."""
    core = Loader().course(COURSES / "core-blocks").blocks[0]
    quiz = next(q for q in core.quizzes if any("Choose all that apply." in x.stem_html for x in q.questions if x.type == "multiple"))
    step = next(s.id for s in core.sections if quiz in s.nodes(type(quiz)))
    page = client.get(f"/courses/core-blocks/{core.id}/{step}").get_data(as_text=True)
    for question in (q for q in quiz.questions if q.type == "multiple"):
        shown = re.search(rf'<fieldset class="question" id="{question.id}">.*?</fieldset>', page, re.DOTALL)[0]
        assert shown.count("Choose all that apply.") == 1, question.id
    sample = client.application.test_client()
    sign_up(sample)
    multiple = next(q for q in QUIZ.questions if q.type == "multiple")
    assert "Choose all that apply." not in multiple.stem_html
    shown = re.search(rf'<fieldset class="question" id="{multiple.id}">.*?</fieldset>',
                      sample.get(f"{BASE}/check").get_data(as_text=True), re.DOTALL)[0]
    assert '<p class="meta">Choose all that apply.</p>' in shown  # a stem that does not say it gets the note
