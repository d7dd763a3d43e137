"""Scoring of SPEC section 5, computed in one place for the player, reports and answer keys.

A response is a plain JSON-able dict, as the player stores it:

| type | response |
|---|---|
| single | {"choice": 2} (option index) |
| multiple | {"choices": [0, 2]} |
| text, numeric | {"gaps": ["116 111", "90"]} (one string per gap, in order) |
| match | {"matches": [1, 0, -1]} (for each term, the index of the pair whose match was picked; -1: none) |
| order | {"order": [2, 0, 1]} (item indices in the order the learner put them) |
| likert | {"value": 4} (1-based position on the scale) |
| reflection | {"text": "..."} |
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from blocks.model import SCALES, Gap, Question, QuestionType, Quiz


class InvalidResponse(ValueError):
    """The response does not fit the question (wrong shape, index out of range)."""


@dataclass(frozen=True)
class Score:
    points: float
    max_points: int

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def correct(self) -> bool:
        return self.max_points > 0 and math.isclose(self.points, self.max_points)


# Keyboards type the Ukrainian apostrophe (a letter there) as ', ’ or ʼ: all count as one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})


def normalise_text(text: str) -> str:
    """Trim, collapse spaces, case-fold, Unicode NFC, one apostrophe: how text gaps are compared."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text.strip()).casefold()).translate(_APOSTROPHES)


def parse_number(text: str) -> float | None:
    """A learner's number; a decimal comma is accepted as readily as a point."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def gap_matches(gap: Gap, answer: str) -> bool:
    if gap.numeric:
        value = parse_number(answer)
        return value is not None and gap.low <= value <= gap.high  # type: ignore[operator]
    given = normalise_text(answer)
    return any(normalise_text(accepted) == given for accepted in gap.accepted)


def score_question(question: Question, response: dict[str, Any]) -> Score:
    """Points earned by one response; unscored types are worth nothing."""
    check_response(question, response)
    if not question.scored:
        return Score(0.0, 0)
    return Score(question.points * _fraction(question, response), question.points)


def _fraction(question: Question, response: dict[str, Any]) -> float:
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        return 1.0 if question.options[response["choice"]].correct else 0.0
    if qtype == QuestionType.MULTIPLE:
        return _multiple(question, set(response["choices"]))
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        hits = sum(gap_matches(gap, answer) for gap, answer in zip(question.gaps, response["gaps"]))
        return hits / len(question.gaps)
    if qtype == QuestionType.MATCH:
        hits = sum(picked == index for index, picked in enumerate(response["matches"]))
        return hits / len(question.pairs)
    if qtype == QuestionType.ORDER:
        return 1.0 if list(response["order"]) == list(range(len(question.items))) else 0.0
    raise AssertionError(f"unscored type {qtype}")


def _multiple(question: Question, picked: set[int]) -> float:
    right = {i for i, option in enumerate(question.options) if option.correct}
    if not question.partial:
        return 1.0 if picked == right else 0.0
    earned = len(picked & right) - len(picked - right)
    return max(0.0, earned / len(right))


def check_response(question: Question, response: dict[str, Any]) -> None:
    """Refuse a response whose shape does not fit the question, before anything is stored."""
    if not isinstance(response, dict):
        raise InvalidResponse("a response is an object")
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        _index(response.get("choice"), len(question.options))
    elif qtype == QuestionType.MULTIPLE:
        _indices(response.get("choices"), len(question.options), distinct=True)
    elif qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        gaps = response.get("gaps")
        if not isinstance(gaps, list) or len(gaps) != len(question.gaps) or not all(isinstance(g, str) for g in gaps):
            raise InvalidResponse(f"expected {len(question.gaps)} gap answer(s)")
    elif qtype == QuestionType.MATCH:
        matches = response.get("matches")
        unpicked = [m for m in matches if m == -1] if isinstance(matches, list) else []
        picked = [m for m in matches if m != -1] if isinstance(matches, list) else matches
        _indices(picked, len(question.pairs))
        if len(picked) + len(unpicked) != len(question.pairs):
            raise InvalidResponse(f"expected {len(question.pairs)} matches")
    elif qtype == QuestionType.ORDER:
        order = _indices(response.get("order"), len(question.items), distinct=True, exact=len(question.items))
        del order
    elif qtype == QuestionType.LIKERT:
        _index(response.get("value"), len(SCALES[question.scale]) + 1, minimum=1)
    elif qtype == QuestionType.REFLECTION:
        text = response.get("text")
        if not isinstance(text, str) or len(text) > 20_000:
            raise InvalidResponse("a reflection is text of at most 20,000 characters")


def _index(value: Any, size: int, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < size:
        raise InvalidResponse(f"expected a choice from {minimum} to {size - 1}")
    return value


def _indices(values: Any, size: int, distinct: bool = False, exact: int | None = None) -> Sequence[int]:
    if not isinstance(values, list):
        raise InvalidResponse("expected a list of choices")
    for value in values:
        _index(value, size)
    if distinct and len(set(values)) != len(values):
        raise InvalidResponse("a choice is given twice")
    if exact is not None and len(values) != exact:
        raise InvalidResponse(f"expected {exact} choices")
    return values


def correct_response(question: Question) -> dict[str, Any]:
    """The full-marks response: for answer keys, and for tests that must pass a quiz."""
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        return {"choice": next(i for i, o in enumerate(question.options) if o.correct)}
    if qtype == QuestionType.MULTIPLE:
        return {"choices": [i for i, o in enumerate(question.options) if o.correct]}
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        return {"gaps": [_gap_answer(gap) for gap in question.gaps]}
    if qtype == QuestionType.MATCH:
        return {"matches": list(range(len(question.pairs)))}
    if qtype == QuestionType.ORDER:
        return {"order": list(range(len(question.items)))}
    if qtype == QuestionType.LIKERT:
        return {"value": 1}
    return {"text": ""}


def _gap_answer(gap: Gap) -> str:
    if gap.numeric:
        middle = (gap.low + gap.high) / 2  # type: ignore[operator]
        return _number_text(middle)
    return gap.accepted[0]


def answer_key(question: Question) -> str:
    """The right answer as HTML, for printed keys (options by letter, items in the right order)."""
    qtype = question.type
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "; ".join(chr(ord("A") + i) for i, o in enumerate(question.options) if o.correct)
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        return "; ".join(html.escape(_gap_key(gap), quote=False) for gap in question.gaps)
    if qtype == QuestionType.MATCH:
        return "; ".join(f"{p.term_html} → {p.match_html}" for p in question.pairs)
    if qtype == QuestionType.ORDER:
        return " → ".join(question.items)
    return ""


def _gap_key(gap: Gap) -> str:
    if not gap.numeric:
        return " / ".join(gap.accepted)
    if gap.low == gap.high:
        return _number_text(gap.low)  # type: ignore[arg-type]
    return f"{_number_text(gap.low)}–{_number_text(gap.high)}"  # type: ignore[arg-type]


def _number_text(value: float) -> str:
    """The shortest text that reads back as exactly this number (the 'g' format keeps 6 digits)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def quiz_percent(quiz: Quiz, scores: dict[str, Score]) -> float:
    """A quiz's score in percent from its questions' scores (missing answers count zero)."""
    if not quiz.max_points:
        return 0.0
    earned = sum(scores[q.id].points for q in quiz.questions if q.id in scores)
    return 100.0 * earned / quiz.max_points


def passed(quiz: Quiz, percent: float) -> bool:
    return percent >= quiz.pass_mark
