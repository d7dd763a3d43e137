"""A pre-test shows no answers or explanations until the learner has taken the course's final
test: otherwise the post-test measures memory of the pre-test, not what was learnt (issue 20)."""

from __future__ import annotations

from flask.testing import FlaskClient

from blocks.load import Loader
from blocks.model import QuizKind
from tests.conftest import COURSES, post, sign_up
from tests.player.helpers import quiz_form

COURSE = Loader().course(COURSES / "core-blocks")
HELD_BACK = "shown once you have taken the final test"


def _test(kind: QuizKind) -> tuple[str, object]:
    for block in COURSE.blocks:
        for section in block.sections:
            for quiz in section.nodes(type(block.quizzes[0])):
                if quiz.kind == kind:
                    return f"/courses/{COURSE.id}/{block.id}/{section.id}", quiz
    raise AssertionError(f"the core course has no {kind}")


def _submit(client: FlaskClient, kind: QuizKind) -> str:
    step, quiz = _test(kind)
    response = post(client, f"{step}/quiz/{quiz.id}", quiz_form(client, step, quiz, right=False))
    assert response.status_code == 302 and "/attempts/" in response.location
    return response.location


def test_a_pretest_keeps_its_answers_until_the_final_test(client: FlaskClient) -> None:
    sign_up(client)
    _step, pretest = _test(QuizKind.PRETEST)
    explanation = pretest.questions[0].explanation_html
    assert explanation
    result = _submit(client, QuizKind.PRETEST)
    page = client.get(result).get_data(as_text=True)
    assert HELD_BACK in page and explanation not in page and "Not right" not in page
    assert "Before the block: 0%. This shows where you start" in page  # the score itself is no secret
    assert "Not passed yet" not in page and "pass mark" not in page  # a pre-test is not passed or failed
    step_page = client.get(_test(QuizKind.PRETEST)[0]).get_data(as_text=True)
    assert "Pass mark" not in step_page and "it shows where you start" in step_page
    _submit(client, QuizKind.POSTTEST)
    page = client.get(result).get_data(as_text=True)
    assert HELD_BACK not in page and explanation in page


def test_a_check_quiz_shows_its_feedback_at_once(client: FlaskClient) -> None:
    sign_up(client)
    block = COURSE.blocks[0]
    quiz = next(q for q in block.quizzes if q.kind == QuizKind.CHECK)
    step = next(s.id for s in block.sections if quiz in s.nodes(type(quiz)))
    url = f"/courses/{COURSE.id}/{block.id}/{step}"
    page = client.get(post(client, f"{url}/quiz/{quiz.id}", quiz_form(client, url, quiz, right=False)).location).get_data(as_text=True)
    assert HELD_BACK not in page and quiz.questions[0].explanation_html in page
