"""Scoring of SPEC section 5, computed in one place for the player, reports and answer keys.

Each type says how a response is checked and what share of the points it earns (its module in
`blocks.qtypes` documents the response's shape); this module turns that into points and percent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from blocks.model import Question, Quiz
from blocks.qtypes import kind
from blocks.qtypes.base import InvalidResponse

__all__ = ["InvalidResponse", "Score", "answer_key", "check_response", "correct_response", "passed", "quiz_percent", "score_question"]


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


def check_response(question: Question, response: dict[str, Any]) -> None:
    """Refuse a response whose shape does not fit the question, before anything is stored."""
    if not isinstance(response, dict):
        raise InvalidResponse("a response is an object")
    kind(question).validate(question, response)


def score_question(question: Question, response: dict[str, Any]) -> Score:
    """Points earned by one response, checked first (see check_response); unscored types are
    worth nothing."""
    check_response(question, response)
    found = kind(question)
    if not found.scored:
        return Score(0.0, 0)
    return Score(question.points * found.fraction(question, response), question.points)


def correct_response(question: Question) -> dict[str, Any]:
    """The full-marks response: for answer keys, and for tests that must pass a quiz."""
    return kind(question).correct_response(question)


def answer_key(question: Question) -> str:
    """The right answer as HTML, for printed keys (options by letter, items in the right order)."""
    return kind(question).answer_key(question)


def quiz_percent(quiz: Quiz, scores: dict[str, Score]) -> float:
    """A quiz's score in percent from its questions' scores (missing answers count zero)."""
    if not quiz.max_points:
        return 0.0
    earned = sum(scores[q.id].points for q in quiz.questions if q.id in scores)
    return 100.0 * earned / quiz.max_points


def passed(quiz: Quiz, percent: float) -> bool:
    return percent >= quiz.pass_mark
