"""Blocks -> GIFT -> blocks: the bundled quizzes come back as the same questions, an imported
file exported and imported again is the same model, and what GIFT cannot hold is reported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from blocks.build import build_block, translated_block
from blocks.gift.syntax import parse
from blocks.gift.values import Kind
from blocks.gift_export import export_gift
from blocks.gift_import import import_gift
from blocks.html import plain_text
from blocks.load import load_courses
from blocks.model import Block, Question, Report

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
COURSES = load_courses(REPO / "courses")
BUNDLED = [(course, block) for course in COURSES for block in course.blocks if block.quizzes]


def reimported(text: str, lang: str, block_id: str = "again") -> dict[str, Question]:
    """The questions of a GIFT text, imported and built as a block."""
    result = import_gift(text, lang=lang, block_id=block_id)
    assert result.errors == []
    report = Report()
    block = build_block(result.source, HERE / "block.md", report)
    assert block is not None and report.errors == []
    return {q.id: replace(q, line=0) for quiz in block.quizzes for q in quiz.questions}


def questions_of(block: Block) -> dict[str, Question]:
    return {q.id: replace(q, line=0) for quiz in block.quizzes for q in quiz.questions}


@pytest.mark.parametrize(("course", "block"), BUNDLED, ids=[b.id for _, b in BUNDLED])
def test_a_bundled_block_re_imports_to_the_same_questions(course, block: Block) -> None:
    exported = export_gift([block], course.title)
    back = reimported(exported.text, block.lang)
    noted = {note.question: note.message for note in exported.notes}
    for ident, question in questions_of(block).items():
        if ident not in back:
            assert "not exported" in noted[ident]
            continue
        # What GIFT cannot hold (hints, points) is reported; everything else comes back unchanged.
        lost = {}
        if question.hints:
            assert "hint" in noted[ident]
            lost["hints"] = ()
        if question.points != 1:
            assert "points" in " ".join(n.message for n in exported.notes if n.question == ident)
            lost["points"] = 1
        assert back[ident] == replace(question, **lost)
    assert len(back) == exported.exported


def test_import_then_export_then_import_is_the_identity() -> None:
    first = import_gift((HERE / "every-construct.gift.txt").read_text(encoding="utf-8"), block_id="first")
    block = build_block(first.source, HERE / "block.md", Report())
    assert block is not None
    exported = export_gift([block])
    assert questions_of(block) == reimported(exported.text, "en")
    again = export_gift([build_block(import_gift(exported.text, block_id="first").source, HERE / "block.md", Report())])
    assert again.text == exported.text


def test_cyrillic_round_trips_unchanged() -> None:
    text = (HERE / "cyrillic.gift.txt").read_text(encoding="utf-8")
    first = reimported(text, "uk")
    block = build_block(import_gift(text, lang="uk", block_id="uk").source, HERE / "block.md", Report())
    exported = export_gift([block])
    assert "Хто може зателефонувати" in exported.text and "Будь-яка дитина" in exported.text
    assert reimported(exported.text, "uk") == first
    assert first["liniia"].options[0].html == "Будь-яка дитина"
    assert "ґ, є, ї, ѓ, ќ, ѕ, ъ" in first["litery"].stem_html


def test_a_translated_block_exports_in_its_language() -> None:
    course = next(c for c in COURSES if c.id == "core-blocks")
    block, _ = translated_block(course.blocks[0], "uk")
    exported = export_gift([block], course.title_in("uk"))
    back = reimported(exported.text, "uk")
    originals = questions_of(block)
    assert all(back[i].stem_html == originals[i].stem_html for i in back)
    assert any("\u0400" <= ch <= "\u04ff" for ch in exported.text)


def test_every_question_carries_its_id_and_category() -> None:
    course = next(c for c in COURSES if c.id == "sample")
    exported = export_gift(course.blocks, course.title)
    parsed = parse(exported.text)
    # the quiz's introduction first, as a Moodle description
    assert [q.ident for q in parsed.questions] == ["check-quiz-introduction", "q-single", "q-multiple", "q-text", "q-match", "q-order"]
    assert parsed.questions[0].kind == Kind.DESCRIPTION and "Answer the questions below" in parsed.questions[0].stem.text
    assert {q.category for q in parsed.questions} == {"$course$/top/Sample course (every construct)/Every construct of a block/check-quiz"}


def test_what_gift_cannot_hold_is_reported_per_question() -> None:
    course = next(c for c in COURSES if c.id == "sample")
    exported = export_gift(course.blocks, course.title)
    assert {(n.question, n.message.split(":")[0]) for n in exported.notes} == {
        ("q-single", "2 hint(s) left out"),
        ("q-multiple", "worth 2 points"),
        ("q-numeric", "has 3 gaps and a GIFT question holds one"),
    }
    assert exported.skipped == 1 and "q-numeric" not in exported.text


def test_every_special_character_survives_the_round_trip() -> None:
    text = "::Signs::Which sign\\: \\~ \\= \\# \\{ \\} \\\\ and a new\\nline?{=a \\= b#c \\# d ~e \\{f\\}}\n"
    first = reimported(text, "en")
    block = build_block(import_gift(text, block_id="s").source, HERE / "block.md", Report())
    exported = export_gift([block]).text
    assert reimported(exported, "en") == first
    assert [o.html for o in first["signs"].options] == ["a = b", "e {f}"]
    assert first["signs"].options[0].feedback_html == "<p>c # d</p>\n"
    assert "Which sign: ~ = # { } \\ and a new" in first["signs"].stem_html


def test_survey_types_have_a_mapping_when_asked_for_directly() -> None:
    """Export takes quiz questions only; a likert or private reflection asked for still maps, lossily."""
    from blocks.gift.writing import write_question
    from blocks.qtypes import kind

    course = next(c for c in COURSES if c.id == "sample")
    survey = course.blocks[0].surveys[0]
    found: list[str] = []

    class Notes:
        lang = "en"

        def lossy(self, message: str) -> None:
            found.append(message)

    written = {q.id: kind(q).to_gift(q, Notes()) for q in survey.questions}
    assert written["feel"].kind.value == "description" and written["hopes"].kind.value == "essay"
    assert write_question(written["hopes"]).endswith("What do you want from today?</p>{}")
    assert len(found) == 1 and "likert rating (agree5) has no GIFT equivalent" in found[0]  # hopes is shared


@pytest.mark.parametrize(("right", "partial", "notes"), [(2, True, 0), (2, False, 1), (1, False, 0), (11, True, 1), (20, True, 0)])
def test_multiple_choice_weights_are_moodle_grades_or_reported(right: int, partial: bool, notes: int) -> None:
    from blocks.gift.writing import write_question
    from blocks.model import Option, QuestionType
    from blocks.qtypes import kind

    question = Question("m", QuestionType.MULTIPLE, "<p>Which?</p>", 1, partial=partial,
                        options=tuple(Option(f"o{i}", i < right) for i in range(right + 1)))
    found: list[str] = []

    class Notes:
        lang = "en"

        def lossy(self, message: str) -> None:
            found.append(message)

    written = kind(question).to_gift(question, Notes())
    assert len(found) == notes
    text = write_question(written)
    penalty = f"~%-{100 / right:.5f}".rstrip("0").rstrip(".") + "%" if partial else "~%-100%"
    assert text.count(penalty) == 1
    back = parse(text).questions[0]
    assert sum(a.weight for a in back.answers if a.weight > 0) == pytest.approx(1, abs=1e-6)


def test_a_match_holding_an_arrow_round_trips_as_moodle_reads_it() -> None:
    """Moodle splits a matching answer at its first '->'; a match may hold another. Our export
    wrote '=plain -> text -> more' and our import refused it (an integrator's review)."""
    source = ("---\nid: m\ntitle: M\nlang: en\nversion: 1\nduration: 10\nsummary: S.\noutcomes:\n  - {id: o, text: O.}\n---\n\n"
              "## One {#one}\n\n::::quiz {#q kind=check}\n\n:::question {#pairs type=match}\nMatch these.\n\n"
              "- plain -> text -> more\n- other -> a *thing*\n:::\n\n::::\n")
    report = Report()
    block = build_block(source, HERE / "block.md", report)
    assert report.ok, report.items
    pair = block.quizzes[0].questions[0].pairs[0]
    assert (pair.term_html, pair.match_text) == ("plain", "text -> more")
    assert block.quizzes[0].questions[0].pairs[1].match_text == "a thing"  # the select shows text, not markdown
    exported = export_gift([block]).text
    assert "=plain -> text -> more" in exported
    again = reimported(exported, "en")["pairs"]
    assert [(p.term_html, p.match_text) for p in again.pairs] == [("plain", "text -> more"), ("other", "a thing")]


def test_a_quiz_introduction_round_trips_as_a_description() -> None:
    """It was dropped on export without a note (an integrator's review)."""
    course = next(c for c in COURSES if c.id == "sample")
    quiz = course.blocks[0].quizzes[0]
    exported = export_gift(course.blocks[:1], course.title)
    block = build_block(import_gift(exported.text, block_id="again").source, HERE / "block.md", Report())
    assert " ".join(plain_text(block.quizzes[0].intro_html).split()) == " ".join(plain_text(quiz.intro_html).split())
