"""Turning responses into the form fields the player's quiz forms post."""

from __future__ import annotations

from typing import Any

from blocks.model import Question, QuestionType, Quiz
from blocks.scoring import correct_response


def form_fields(question: Question, response: dict[str, Any]) -> dict[str, Any]:
    name = f"q-{question.id}"
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        return {name: str(response["choice"])}
    if qtype == QuestionType.MULTIPLE:
        return {name: [str(c) for c in response["choices"]]}
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        return {f"{name}-gap-{i}": v for i, v in enumerate(response["gaps"])}
    if qtype == QuestionType.MATCH:
        return {f"{name}-term-{i}": str(m) for i, m in enumerate(response["matches"])}
    if qtype == QuestionType.ORDER:
        return {f"{name}-item-{item}": str(position + 1) for position, item in enumerate(response["order"])}
    if qtype == QuestionType.LIKERT:
        return {name: str(response["value"])}
    return {name: response["text"]}


def wrong_response(question: Question) -> dict[str, Any]:
    """A response worth zero points for a scored question."""
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        return {"choice": next(i for i, o in enumerate(question.options) if not o.correct)}
    if qtype == QuestionType.MULTIPLE:
        wrong = [i for i, o in enumerate(question.options) if not o.correct]
        return {"choices": wrong or []}
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        return {"gaps": ["-99999 certainly wrong"] * len(question.gaps)}
    if qtype == QuestionType.MATCH:
        n = len(question.pairs)
        return {"matches": [(i + 1) % n for i in range(n)]}
    if qtype == QuestionType.ORDER:
        return {"order": list(reversed(range(len(question.items))))}
    raise AssertionError(qtype)


def quiz_form(quiz: Quiz, right: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for question in quiz.questions:
        data.update(form_fields(question, correct_response(question) if right else wrong_response(question)))
    return data
