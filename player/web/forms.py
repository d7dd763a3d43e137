"""Turning submitted form fields into the response dicts that blocks.scoring understands."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from blocks.model import Question, QuestionType


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def response_from_form(question: Question, form: MultiDict[str, str]) -> dict[str, Any] | None:
    """The learner's response to one question, or None when they left it unanswered."""
    name = f"q-{question.id}"
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        choice = _int(form.get(name))
        return None if choice is None else {"choice": choice}
    if qtype == QuestionType.MULTIPLE:
        picks = [_int(v) for v in form.getlist(name)]
        return {"choices": [p for p in picks if p is not None]} if picks else None
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        gaps = [form.get(f"{name}-gap-{i}", "") for i in range(len(question.gaps))]
        return {"gaps": gaps} if any(g.strip() for g in gaps) else None
    if qtype == QuestionType.MATCH:
        picks = [_int(form.get(f"{name}-term-{i}")) for i in range(len(question.pairs))]
        return {"matches": [-1 if p is None else p for p in picks]} if any(p is not None for p in picks) else None
    if qtype == QuestionType.ORDER:
        return _order(question, form, name)
    if qtype == QuestionType.LIKERT:
        value = _int(form.get(name))
        return None if value is None else {"value": value}
    text = form.get(name, "")
    return {"text": text} if text.strip() else None


def _order(question: Question, form: MultiDict[str, str], name: str) -> dict[str, Any] | None:
    positions = [_int(form.get(f"{name}-item-{i}")) for i in range(len(question.items))]
    if all(p is None for p in positions):
        return None
    ranked = sorted(range(len(question.items)), key=lambda i: (positions[i] is None, positions[i] or 0, i))
    return {"order": ranked}
