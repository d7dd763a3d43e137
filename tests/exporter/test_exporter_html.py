"""Print HTML, checked without rendering: ids, media URLs, what each audience gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blocks.load import Loader
from blocks.model import Course, Pair, Question, QuestionType
from exporter.html import environment, pack_html, printed_order, scoped
from exporter.i18n import language_name
from tests.exporter.helpers import ENGLISH, ISSUED, REPO, UKRAINIAN, write_course


@pytest.fixture
def tiny(tmp_path: Path) -> Course:
    course = Loader().course(write_course(tmp_path, [ENGLISH]))
    assert course is not None
    return course


def html_of(course: Course, participant: bool = False) -> str:
    return pack_html(course, course.blocks, participant=participant, issued=ISSUED)


def test_ids_links_and_media_are_made_document_wide(tiny: Course) -> None:
    block = tiny.blocks[0]
    html = '<h3 id="why">Why</h3><a href="#why">back</a><img src="media/room%20plan.png"><a href="media/notes.pdf">notes</a><a href="https://example.org/a">web</a>'
    out = scoped(html, block)
    assert 'id="first-contact--why"' in out and 'href="#first-contact--why"' in out
    assert f'src="{(block.folder / "media" / "room plan.png").as_uri()}"' in out
    assert "<a>notes</a>" in out, "a link to a file on disk keeps its text and loses the link"
    assert 'href="https://example.org/a"' in out


def test_trainer_html_has_notes_keys_feedback_and_the_participant_html_has_none(tiny: Course) -> None:
    trainer, participant = html_of(tiny), html_of(tiny, participant=True)
    for secret in ("FACILITATOR-ONLY", "RIGHT-FEEDBACK", "WRONG-FEEDBACK", "EXPLANATION-TEXT", "Answer key"):
        assert secret in trainer
        assert secret not in participant
    assert "Which first step builds trust?" in participant


def test_language_and_direction_are_set_on_the_document_and_each_block(tmp_path: Path) -> None:
    arabic = {**ENGLISH, "id": "arabic", "lang": "ar", "title": "الاتصال الأول"}
    course = Loader().course(write_course(tmp_path, [UKRAINIAN, arabic]))
    assert course is not None
    html = html_of(course)
    assert '<html lang="mul" dir="ltr">' in html
    assert '<article class="block" id="pershyi-kontakt--block" lang="uk" dir="ltr">' in html
    assert '<article class="block" id="arabic--block" lang="ar" dir="rtl">' in html
    assert language_name("uk") == "Ukrainian (українська, uk)"


def test_printed_order_and_match_questions_never_show_the_answer(tiny: Course) -> None:
    for count in range(2, 9):
        for qid in ("a", "b", "q-order"):
            items = tuple(f"item {i}" for i in range(count))
            pairs = tuple(Pair(f"t{i}", f"m{i}", f"m{i}") for i in range(count))
            for question in (Question(id=qid, type=QuestionType.ORDER, stem_html="", line=1, items=items),
                             Question(id=qid, type=QuestionType.MATCH, stem_html="", line=1, pairs=pairs)):
                order = list(printed_order(question, tiny.blocks[0]))
                assert sorted(order) == list(range(count)) and order != list(range(count))


def test_order_key_names_the_printed_letters(tiny: Course) -> None:
    question = Question(id="q", type=QuestionType.ORDER, stem_html="", line=1, items=("one", "two", "three"))
    printed = printed_order(question, tiny.blocks[0])
    key = environment().get_template("pack/questions/order.html.j2").module.answer(question, tiny.blocks[0])  # type: ignore[attr-defined]
    letters = str(key).strip().split(" → ")
    assert [printed[ord(letter) - ord("A")] for letter in letters] == [0, 1, 2]


def test_the_stylesheets_avoid_weasyprint_70_regressions() -> None:
    """::marker with content breaks layout, and target-counter() in a flex box prints 0."""
    for css in (REPO / "exporter" / "assets").glob("*.css"):
        text = css.read_text()
        assert not re.search(r"::marker\s*[{,]", text), css.name
        assert not re.search(r"display:\s*(inline-)?flex", text), css.name
