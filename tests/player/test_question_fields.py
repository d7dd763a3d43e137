"""Answer fields: the order options come in, and the recently rendered fields a quiz step reuses."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

from blocks.load import Loader
from blocks.model import QuestionType
from player.web.templating import RecentlyRendered, answer_fields
from player.web.views.common import option_order
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import quiz_form

BLOCK = Loader().course(COURSES / "sample").blocks[0]
QUIZ = BLOCK.quizzes[0]
SINGLE, MATCH, ORDER = (next(q for q in QUIZ.questions if q.type == kind) for kind in ("single", "match", "order"))
BASE = "/courses/sample/every-construct"


def test_options_keep_their_source_order_unless_the_quiz_shuffles() -> None:
    assert option_order(SINGLE, seed=7, shuffle=False) == tuple(range(len(SINGLE.options)))
    orders = {option_order(SINGLE, seed, shuffle=True) for seed in range(40)}
    assert len(orders) > 1 and all(sorted(order) == list(range(len(SINGLE.options))) for order in orders)


@pytest.mark.parametrize("question", [MATCH, ORDER], ids=["match", "order"])
def test_match_choices_and_order_items_are_always_shuffled(question) -> None:  # noqa: ANN001
    """In source order they would give the answer away, whatever the quiz says."""
    count = len(question.pairs or question.items)
    orders = {option_order(question, seed, shuffle=False) for seed in range(40)}
    assert len(orders) > 1 and all(sorted(order) == list(range(count)) for order in orders)
    assert option_order(question, 3, False) == option_order(question, 3, False)  # stable for an attempt


@pytest.fixture
def courses_dir(tmp_courses: Path) -> Path:
    """The sample quiz without shuffle=true: its options must come in the order written."""
    path = tmp_courses / "sample" / "every-construct" / "block.md"
    path.write_text(path.read_text(encoding="utf-8").replace(" shuffle=true}", "}"), encoding="utf-8")
    return tmp_courses


def _option_values(page: str, question_id: str) -> list[int]:
    fieldset = re.search(rf'<fieldset class="question" id="{question_id}">(.*?)</fieldset>', page, re.S)[1]
    return [int(v) for v in re.findall(r'<input type="(?:radio|checkbox)" name="q-[^"]+" value="(\d+)"', fieldset)]


def _checked(page: str, question_id: str) -> list[int]:
    fieldset = re.search(rf'<fieldset class="question" id="{question_id}">(.*?)</fieldset>', page, re.S)[1]
    return [int(v) for v in re.findall(r'value="(\d+)" checked', fieldset)]


def test_an_unshuffled_quiz_shows_options_as_written_to_every_learner(client: FlaskClient, app) -> None:  # noqa: ANN001
    sign_up(client)
    other = app.test_client()
    sign_up(other, email="other@example.org")
    for learner in (client, other):
        page = learner.get(f"{BASE}/check").get_data(as_text=True)
        assert _option_values(page, SINGLE.id) == list(range(len(SINGLE.options)))


def test_a_saved_answer_shows_although_the_empty_form_was_rendered_before(client: FlaskClient) -> None:
    """The fields are kept per saved answer and hints shown: a save must never show the old form."""
    sign_up(client)
    assert _checked(client.get(f"{BASE}/check").get_data(as_text=True), SINGLE.id) == []
    form = {"client_id": uuid.uuid4().hex, "action": "save", f"q-{SINGLE.id}": "2"}
    assert post(client, f"{BASE}/check/quiz/{QUIZ.id}", form).status_code == 302
    page = client.get(f"{BASE}/check").get_data(as_text=True)
    assert _checked(page, SINGLE.id) == [2]
    hinted = client.get(f"{BASE}/check?hint={SINGLE.id}:1").get_data(as_text=True)
    assert "Think about what a newly arrived family needs to know first." in hinted and _checked(hinted, SINGLE.id) == [2]
    assert "Think about what a newly arrived family needs to know first." not in page


def test_recently_rendered_is_bounded_and_answers_only_for_its_source() -> None:
    kept = RecentlyRendered(size=2)
    source, edited = object(), object()
    renders: list[str] = []

    def render(text: str):  # noqa: ANN202
        return lambda: renders.append(text) or Markup(text)

    assert kept.get("a", source, render("a1")) == "a1"
    assert kept.get("a", source, render("a2")) == "a1"  # kept
    assert kept.get("a", edited, render("a3")) == "a3"  # new content: rendered again
    kept.get("b", source, render("b1"))
    kept.get("c", source, render("c1"))  # "a" was least recently used: it goes
    assert kept.get("a", edited, render("a4")) == "a4"
    assert renders == ["a1", "a3", "b1", "c1", "a4"]


def test_fields_of_a_quiz_without_shuffling_are_shared_by_every_attempt(app: Flask) -> None:
    plain = replace(QUIZ, shuffle=False, questions=tuple(
        q for q in QUIZ.questions if q.type not in (QuestionType.MATCH, QuestionType.ORDER)))
    kept = app.extensions["coursepack_fields"]
    with app.test_request_context():
        first = answer_fields(BLOCK, plain, seed=1)
        assert answer_fields(BLOCK, plain, seed=2) is first  # the seed orders nothing here
        assert answer_fields(BLOCK, plain, seed=2, hint="not-in-this-quiz:3") is first
        assert answer_fields(BLOCK, plain, seed=2, hint=f"{SINGLE.id}:1") is not first
    assert len(kept) == 2


def test_fields_of_a_shuffled_quiz_follow_each_attempts_order(app: Flask) -> None:
    with app.test_request_context():
        pages = {str(answer_fields(BLOCK, QUIZ, seed=seed)) for seed in range(6)}
    assert len(pages) > 1


def test_the_quiz_head_follows_each_learners_attempts(client: FlaskClient, app: Flask) -> None:
    """The head (attempts left, scores, the form) is kept per state: it changes with every attempt
    and the learner who has not tried yet still sees theirs."""
    sign_up(client)
    page = client.get(f"{BASE}/check").get_data(as_text=True)
    assert "3 attempts left" in page and "Best score" not in page and 'name="action" value="submit"' in page
    for number in (1, 2, 3):
        form = {"client_id": uuid.uuid4().hex, "action": "submit", **quiz_form(QUIZ, right=False)}
        assert post(client, f"{BASE}/check/quiz/{QUIZ.id}", form).location.endswith(f"/attempts/{number}")
        page = client.get(f"{BASE}/check").get_data(as_text=True)
        assert f"Attempt {number}:" in page and "Best score" in page
    assert "You have used all attempts at this quiz." in page and 'name="action" value="submit"' not in page
    newcomer = app.test_client()
    sign_up(newcomer, email="newcomer@example.org")
    fresh = newcomer.get(f"{BASE}/check").get_data(as_text=True)
    assert "3 attempts left" in fresh and "Attempt 1:" not in fresh and 'name="action" value="submit"' in fresh
