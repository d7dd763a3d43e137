"""The page source gives no answer away (SPEC 11): for every choice, match and order question of
the bundled courses, a learner reading the source cannot tell which option, match or position is
right. Field names and values are per-attempt tokens (blocks.qtypes.base.FieldNames); the items
of an order question are never shown in the right order."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from blocks.load import Loader
from blocks.model import Question, Quiz
from tests.conftest import COURSES, sign_up

TOKEN = re.compile(r"[0-9a-f]{16}")
def _questions() -> list[tuple[str, object, str, Quiz, Question]]:
    loader = Loader()
    found = []
    for folder in sorted(p for p in COURSES.iterdir() if (p / "course.yaml").is_file()):
        course = loader.course(folder)
        if course is None:
            continue
        for block in course.blocks:
            for section in block.sections:
                for quiz in section.nodes(Quiz):
                    found += [(course.id, block, section.id, quiz, q) for q in quiz.questions if q.options or q.pairs or q.items]
    return found


CASES = _questions()


def _fieldset(page: str, question: Question) -> str:
    return re.search(rf'<fieldset class="question" id="{question.id}">(.*?)</fieldset>', page, re.S)[1]


def test_the_bundled_courses_have_such_questions() -> None:
    kinds = {question.type for *_rest, question in CASES}
    assert {"single", "multiple", "match", "order"} <= kinds and len(CASES) > 40


BLOCKS = sorted({(course_id, block.id) for course_id, block, *_rest in CASES})


@pytest.mark.parametrize(("course_id", "block_id"), BLOCKS, ids=[b for _c, b in BLOCKS])
def test_a_learner_cannot_read_an_answer_from_the_page(client: FlaskClient, course_id: str, block_id: str) -> None:
    """As a guest where the course is public (the sample course, which has every type, signed in)."""
    if course_id == "sample":
        sign_up(client)
    for _course, block, step, _quiz, question in (case for case in CASES if case[1].id == block_id):
        page = client.get(f"/courses/{course_id}/{block.id}/{step}").get_data(as_text=True)
        _no_answer_in(_fieldset(page, question), question)


def _no_answer_in(fields: str, question: Question) -> None:
    values = re.findall(r'<(?:input|option) [^>]*value="([^"]*)"', fields)
    names = set(re.findall(r'name="([^"]+)"', fields))
    if question.items:  # order: a name per item, positions 1..n as values
        items = [re.sub(r"^q-.+-item-", "", name) for name in names]
        assert all(TOKEN.fullmatch(item) for item in items), (question.id, items)
        shown = re.findall(r"</select> <span>(.*?)</span></label>", fields, re.S)
        assert shown != list(question.items), f"{question.id}: the items are shown in the right order"
    else:  # choice and match: the values are tokens, never a source position
        chosen = [value for value in values if value]
        assert chosen and all(TOKEN.fullmatch(value) for value in chosen), (question.id, chosen)
    rest = {name.removeprefix(f"q-{question.id}") for name in names}
    assert all(r == "" or re.fullmatch(r"-term-\d+|-item-[0-9a-f]{16}", r) for r in rest), names  # terms: shown as written
