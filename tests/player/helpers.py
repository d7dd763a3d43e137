"""Turning responses into the form fields the player's quiz forms post.

A form's option values and item names are tokens of the attempt's seed (blocks.qtypes.base.
FieldNames): a test reads the seed from the page, as a browser submits it, and makes the same
tokens with the app's key.
"""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from blocks.model import Question, QuestionType, Quiz
from blocks.qtypes.base import FieldNames
from blocks.scoring import correct_response
from player.web.forms import field_key


def names_for(client: FlaskClient, seed: int) -> FieldNames:
    return FieldNames(field_key(str(client.application.secret_key)), seed)


def form_fields(question: Question, response: dict[str, Any], names: FieldNames) -> dict[str, Any]:
    name = names.name(question)
    qtype = question.type
    if qtype == QuestionType.SINGLE:
        return {name: names.token(question, "option", response["choice"])}
    if qtype == QuestionType.MULTIPLE:
        return {name: [names.token(question, "option", c) for c in response["choices"]]}
    if qtype in (QuestionType.TEXT, QuestionType.NUMERIC):
        return {f"{name}-gap-{i}": v for i, v in enumerate(response["gaps"])}
    if qtype == QuestionType.MATCH:
        return {f"{name}-term-{i}": names.token(question, "match", m) for i, m in enumerate(response["matches"])}
    if qtype == QuestionType.ORDER:
        return {f"{name}-item-{names.token(question, 'item', item)}": str(position + 1)
                for position, item in enumerate(response["order"])}
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


def quiz_form(client: FlaskClient, step_url: str, quiz: Quiz, right: bool, action: str = "submit") -> dict[str, Any]:
    """What a learner's browser posts for `quiz` on the step at `step_url`: the form's client id
    and seed, as the page gives them, and every answer right (or wrong) with the page's tokens."""
    page = client.get(step_url).get_data(as_text=True)
    form = form_on_page(page, quiz)
    return {"client_id": form["client_id"], "action": action, **answers(client, quiz, right, int(form["seed"]))}


def answers(client: FlaskClient, quiz: Quiz, right: bool, seed: int) -> dict[str, Any]:
    """The answer fields of `quiz`, every one right (or wrong), with the tokens of `seed`."""
    return quiz_answers(quiz, right, names_for(client, seed))


def quiz_answers(quiz: Quiz, right: bool, names: FieldNames) -> dict[str, Any]:
    """The seed and answer fields of `quiz`, every one right (or wrong), named by `names`."""
    data: dict[str, Any] = {"seed": str(names.seed)}
    for question in quiz.questions:
        data.update(form_fields(question, correct_response(question) if right else wrong_response(question), names))
    return data


def form_on_page(page: str, quiz: Quiz) -> dict[str, str]:
    """The hidden fields (client id, seed) of a quiz's form on a step page."""
    form = re.search(rf'<form method="post" action="[^"]*/quiz/{re.escape(quiz.id)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form of quiz {quiz.id} on the page"
    return dict(re.findall(r'<input type="hidden" name="(client_id|seed)" value="([^"]*)">', form[1]))
