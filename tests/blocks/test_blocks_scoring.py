"""Scoring of SPEC section 5 (blocks/scoring.py), against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from blocks.model import Block, Gap, Option, Pair, Question, QuestionType, Quiz, QuizKind
from blocks.qtypes import kind
from blocks.qtypes.gaps import gap_matches, normalise_text, parse_number
from blocks.scoring import (
    InvalidResponse, Score, answer_key, check_response, correct_response, passed, quiz_percent, score_question,
)
from blocks.syntax.gaps import parse_gap

SINGLE, MULTIPLE, TEXT, NUMERIC = QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TEXT, QuestionType.NUMERIC
MATCH, ORDER, LIKERT, REFLECTION = QuestionType.MATCH, QuestionType.ORDER, QuestionType.LIKERT, QuestionType.REFLECTION


def question(qtype: QuestionType, **values) -> Question:
    return Question(id="q", type=qtype, stem_html="<p>?</p>", line=1, **values)


def options(marks: str) -> tuple[Option, ...]:
    """'RRW' -> right, right, wrong."""
    return tuple(Option(f"option {i}", mark == "R") for i, mark in enumerate(marks))


def gap(source: str) -> Gap:
    """A gap exactly as the parser reads `[[source]]`."""
    meta = parse_gap(source)
    assert "problem" not in meta, meta
    return Gap(tuple(meta.get("accepted", ())), meta.get("low"), meta.get("high"))  # type: ignore[arg-type]


def points(q: Question, response: dict) -> float:
    return score_question(q, response).points


# -- single -----------------------------------------------------------------------------------
def test_single_is_one_or_nothing() -> None:
    q = question(SINGLE, options=options("WRW"))
    assert score_question(q, {"choice": 1}) == Score(1.0, 1)
    assert score_question(q, {"choice": 0}) == Score(0.0, 1)
    assert score_question(q, {"choice": 2}) == Score(0.0, 1)


def test_points_scale_the_score() -> None:
    q = question(SINGLE, options=options("RW"), points=3)
    assert score_question(q, {"choice": 0}) == Score(3.0, 3)
    assert score_question(q, {"choice": 1}) == Score(0.0, 3)


# -- multiple ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("choices", "expected"), [
    ([0, 1, 2], 1.0),
    ([2, 0, 1], 1.0),
    ([0, 1], 0.0),
    ([0, 1, 2, 3], 0.0),
    ([], 0.0),
    ([3, 4], 0.0),
])
def test_multiple_without_partial_is_all_or_nothing(choices: list[int], expected: float) -> None:
    q = question(MULTIPLE, options=options("RRRWW"))
    assert points(q, {"choices": choices}) == expected


# Three right options of five, 2 points: (right picks - wrong picks) / 3, at least 0, times 2.
@pytest.mark.parametrize(("choices", "expected"), [
    ([0, 1, 2], 2.0),            # 3 right            -> 3/3
    ([0, 1], 4 / 3),             # 2 right            -> 2/3
    ([0], 2 / 3),                # 1 right            -> 1/3
    ([0, 1, 2, 3], 4 / 3),       # 3 right, 1 wrong   -> 2/3
    ([0, 1, 3], 2 / 3),          # 2 right, 1 wrong   -> 1/3
    ([0, 3], 0.0),               # 1 right, 1 wrong   -> 0
    ([0, 3, 4], 0.0),            # 1 right, 2 wrong   -> -1/3, floored at 0
    ([3, 4], 0.0),               # 2 wrong            -> floored at 0
    ([0, 1, 2, 3, 4], 2 / 3),    # everything         -> 1/3
    ([], 0.0),
])
def test_multiple_partial_credit(choices: list[int], expected: float) -> None:
    q = question(MULTIPLE, options=options("RRRWW"), partial=True, points=2)
    assert math.isclose(points(q, {"choices": choices}), expected)
    assert score_question(q, {"choices": choices}).max_points == 2


# -- text -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("accepted", "answer"), [
    ("social worker|caseworker", "social worker"),
    ("social worker|caseworker", "  Social   Worker "),        # trim, collapse, case
    ("social worker|caseworker", "social\tworker\n"),          # any white space collapses
    ("social worker|caseworker", "CASEWORKER"),                # an alternative
    ("café", "cafe\u0301"),                                    # decomposed é matches composed
    ("cafe\u0301", "CAFÉ"),                                    # composed matches decomposed
    ("straße", "STRASSE"),                                     # case-folding, not lower()
    ("116 111|116111", "116111"),
    ("п'ять", "п’ять"),                                        # Ukrainian apostrophe, any keyboard
    ("п’ять", "пʼять"),
])
def test_text_gap_matches_after_normalising(accepted: str, answer: str) -> None:
    assert gap_matches(gap(accepted), answer)


@pytest.mark.parametrize(("accepted", "answer"), [
    ("social worker", "social-worker"),
    ("social worker", "socialworker"),
    ("café", "cafe"),
    ("interpreter", "interpreters"),
    ("interpreter", ""),
    ("п'ять", "пять"),                                         # the apostrophe still counts
])
def test_text_gap_refuses_other_words(accepted: str, answer: str) -> None:
    assert not gap_matches(gap(accepted), answer)


def test_normalise_text() -> None:
    assert normalise_text("  A \u00a0 B\t\nC  ") == "a b c"
    assert normalise_text("E\u0301") == "\u00e9"


def test_text_scores_each_gap() -> None:
    q = question(TEXT, gaps=(gap("social worker|caseworker"), gap("116 111")), points=2)
    assert points(q, {"gaps": ["caseworker", "116 111"]}) == 2.0
    assert points(q, {"gaps": ["caseworker", "112"]}) == 1.0
    assert points(q, {"gaps": ["", ""]}) == 0.0


# -- numeric ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "answer", "right"), [
    ("#90", "90", True),
    ("#90", " 90 ", True),
    ("#90", "90.0", True),
    ("#90", "90,0", True),
    ("#90", "89", False),
    ("#90", "ninety", False),
    ("#15:2", "13", True),          # 15 ± 2: both edges count
    ("#15:2", "17", True),
    ("#15:2", "12.99", False),
    ("#15:2", "17,01", False),
    ("#10..15", "10", True),
    ("#10..15", "12,5", True),
    ("#10..15", "15", True),
    ("#10..15", "9.9", False),
    ("#10..15", "15.1", False),
    ("#2,5", "2.5", True),          # decimal comma in the source, point in the answer
    ("#2.5", "2,5", True),          # and the other way round
    ("#-2..-1", "-1,5", True),
    ("#-2..-1", "1.5", False),
    ("#0.7:0.1", "0.8", True),      # float error must not move the edges
    ("#0.7:0.1", "0,6", True),
    ("#0.8:0.1", "0.7", True),
    ("#0.7:0.1", "0.81", False),
    ("#90", "nan", False),
    ("#90", "inf", False),
    ("#90", "", False),
])
def test_numeric_gap(source: str, answer: str, right: bool) -> None:
    assert gap_matches(gap(source), answer) is right


def test_parse_number() -> None:
    assert parse_number("2,5") == 2.5
    assert parse_number(" -3 ") == -3.0
    assert parse_number("1\u00a0000") == 1000.0
    assert parse_number("abc") is None
    assert parse_number("infinity") is None


def test_numeric_scores_each_gap() -> None:
    q = question(NUMERIC, gaps=(gap("#90"), gap("#10:5"), gap("#20..30")))
    assert points(q, {"gaps": ["90", "14", "25"]}) == 1.0
    assert math.isclose(points(q, {"gaps": ["90", "16", "25"]}), 2 / 3)
    assert points(q, {"gaps": ["1", "2", "3"]}) == 0.0


# -- match and order --------------------------------------------------------------------------
PAIRS = tuple(Pair(term, match, match) for term, match in [("pairs", "two"), ("groups", "four to six"), ("plenary", "everyone")])


@pytest.mark.parametrize(("matches", "expected"), [
    ([0, 1, 2], 3.0),
    ([1, 0, 2], 1.0),     # only the third pair right
    ([0, 0, 0], 1.0),     # only the first
    ([2, 0, 1], 0.0),
])
def test_match_scores_each_pair(matches: list[int], expected: float) -> None:
    q = question(MATCH, pairs=PAIRS, points=3)
    assert math.isclose(points(q, {"matches": matches}), expected)


@pytest.mark.parametrize(("order", "expected"), [
    ([0, 1, 2, 3], 1.0),
    ([1, 0, 2, 3], 0.0),
    ([0, 1, 3, 2], 0.0),
    ([3, 2, 1, 0], 0.0),
])
def test_order_is_all_or_nothing(order: list[int], expected: float) -> None:
    q = question(ORDER, items=("a", "b", "c", "d"))
    assert points(q, {"order": order}) == expected


# -- unscored types ---------------------------------------------------------------------------
def test_likert_and_reflection_are_unscored() -> None:
    assert score_question(question(LIKERT, scale="agree5"), {"value": 5}) == Score(0.0, 0)
    assert score_question(question(LIKERT, scale="yesno"), {"value": 1}) == Score(0.0, 0)
    assert score_question(question(REFLECTION), {"text": "I will listen more."}) == Score(0.0, 0)
    assert not kind(LIKERT).scored and not kind(REFLECTION).scored


# -- invalid responses ------------------------------------------------------------------------
@pytest.mark.parametrize(("q", "response"), [
    (question(SINGLE, options=options("RW")), {"choice": 2}),
    (question(SINGLE, options=options("RW")), {"choice": -1}),
    (question(SINGLE, options=options("RW")), {"choice": True}),
    (question(SINGLE, options=options("RW")), {"choice": "0"}),
    (question(SINGLE, options=options("RW")), {"choice": 0.0}),
    (question(SINGLE, options=options("RW")), {}),
    (question(SINGLE, options=options("RW")), [0]),
    (question(MULTIPLE, options=options("RRW")), {"choices": [0, 0]}),
    (question(MULTIPLE, options=options("RRW")), {"choices": [3]}),
    (question(MULTIPLE, options=options("RRW")), {"choices": 0}),
    (question(TEXT, gaps=(gap("a"), gap("b"))), {"gaps": ["a"]}),
    (question(TEXT, gaps=(gap("a"),)), {"gaps": ["a", "b"]}),
    (question(TEXT, gaps=(gap("a"),)), {"gaps": [1]}),
    (question(NUMERIC, gaps=(gap("#1"),)), {"gaps": 1}),
    (question(MATCH, pairs=PAIRS), {"matches": [0, 1]}),
    (question(MATCH, pairs=PAIRS), {"matches": [0, 1, 3]}),
    (question(MATCH, pairs=PAIRS), {"matches": [0, 1, 2, 0]}),
    (question(MATCH, pairs=PAIRS), {"matches": "012"}),
    (question(ORDER, items=("a", "b", "c")), {"order": [0, 1]}),
    (question(ORDER, items=("a", "b", "c")), {"order": [0, 1, 1]}),
    (question(ORDER, items=("a", "b", "c")), {"order": [0, 1, 2, 3]}),
    (question(LIKERT, scale="agree5"), {"value": 0}),
    (question(LIKERT, scale="agree5"), {"value": 6}),
    (question(LIKERT, scale="yesno"), {"value": 3}),
    (question(LIKERT, scale="agree5"), {"value": "4"}),
    (question(REFLECTION), {"text": 42}),
    (question(REFLECTION), {"text": "x" * 20_001}),
])
def test_invalid_responses_are_refused(q: Question, response) -> None:
    with pytest.raises(InvalidResponse):
        check_response(q, response)
    with pytest.raises(InvalidResponse):
        score_question(q, response)


def test_a_reflection_of_20000_characters_is_the_longest_accepted() -> None:
    check_response(question(REFLECTION), {"text": "x" * 20_000})
    with pytest.raises(InvalidResponse):
        check_response(question(REFLECTION), {"text": "x" * 20_001})


# -- quizzes ----------------------------------------------------------------------------------
def quiz(pass_mark: int) -> Quiz:
    one = Question(id="one", type=SINGLE, stem_html="", line=1, options=options("RW"))
    three = Question(id="three", type=MULTIPLE, stem_html="", line=2, options=options("RRRW"), partial=True, points=3)
    return Quiz("quiz", QuizKind.CHECK, pass_mark, None, False, "", (one, three), 1)


def test_quiz_percent_and_pass_mark() -> None:
    q = quiz(pass_mark=75)
    assert q.max_points == 4
    # one: right (1 of 1); three: picks 0, 1 of three right options -> 2 of 3 points
    scores = {"one": score_question(q.questions[0], {"choice": 0}), "three": score_question(q.questions[1], {"choices": [0, 1]})}
    assert math.isclose(quiz_percent(q, scores), 75.0)
    assert passed(q, quiz_percent(q, scores))                    # 75 >= 75
    assert not passed(quiz(pass_mark=76), quiz_percent(q, scores))
    assert quiz_percent(q, {"one": scores["one"]}) == 25.0      # a missing answer counts zero
    assert quiz_percent(q, {}) == 0.0


def test_score_fraction_and_correct() -> None:
    assert Score(1.5, 3).fraction == 0.5
    assert not Score(1.5, 3).correct
    assert Score(3.0, 3).correct
    assert Score(0.0, 0).fraction == 0.0 and not Score(0.0, 0).correct


# -- the right answers ------------------------------------------------------------------------
def scored_questions(blocks: list[Block]) -> list[Question]:
    return [q for block in blocks for quiz in block.quizzes for q in quiz.questions]


def test_correct_response_gets_full_marks_in_every_bundled_question(bundled_blocks: list[Block]) -> None:
    questions = scored_questions(bundled_blocks)
    assert {q.type for q in questions} >= {SINGLE, MULTIPLE, TEXT, NUMERIC, MATCH, ORDER}
    for q in questions:
        score = score_question(q, correct_response(q))
        assert score.correct, f"{q.id}: {correct_response(q)} scores {score}"
        assert answer_key(q), f"{q.id} has an empty answer key"


def test_every_survey_question_accepts_its_default_response(bundled_blocks: list[Block]) -> None:
    for block in bundled_blocks:
        for survey in (*block.surveys, block.evaluation):
            for q in survey.questions:
                assert score_question(q, correct_response(q)) == Score(0.0, 0)


@pytest.mark.parametrize(("source", "key"), [
    ("#90", "90"),
    ("#1234567", "1234567"),          # more digits than the 'g' format keeps
    ("#0.1234567", "0.1234567"),
    ("#15:2", "13–17"),
    ("#0.7:0.1", "0.6–0.8"),
    ("#2,5", "2.5"),
])
def test_numeric_answer_key_and_correct_response(source: str, key: str) -> None:
    q = question(NUMERIC, gaps=(gap(source),))
    assert answer_key(q) == key
    assert score_question(q, correct_response(q)).correct


def test_answer_keys() -> None:
    # the options themselves, never letters: a package shows them in another order than the source
    assert answer_key(question(SINGLE, options=options("WRW"))) == "option 1"
    assert answer_key(question(MULTIPLE, options=options("RWR"))) == "option 0; option 2"
    assert answer_key(question(TEXT, gaps=(gap("social worker|caseworker"),))) == "social worker / caseworker"
    assert answer_key(question(ORDER, items=("a", "b", "c"))) == "a → b → c"
    assert answer_key(question(TEXT, gaps=(gap("a<b|x&y"),))) == "a&lt;b / x&amp;y"  # HTML, escaped
    assert answer_key(question(MATCH, pairs=PAIRS[:2])) == "pairs → two; groups → four to six"
