"""single: one right option of a task list. Response: {"choice": 2} (the option's source index)."""

from __future__ import annotations

from typing import Any

from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, InvalidResponse, index_in
from blocks.qtypes.choice import Choice


class Single(Choice):
    type = QuestionType.SINGLE

    def check(self, question: Question, error: Error) -> None:
        super().check(question, error)
        correct = self.correct_count(question)
        if question.options and correct != 1:
            error("single-correct", f"a single-choice question has exactly one correct option ('- [x]'), not {correct}; use type=multiple for several")

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        index_in(response.get("choice"), len(question.options))

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        return 1.0 if question.options[response["choice"]].correct else 0.0

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"choice": next(i for i, option in enumerate(question.options) if option.correct)}

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        picked = self.picked(question, form, names)
        if len(picked) > 1:
            raise InvalidResponse(f"question {question.id}: one choice, not {len(picked)}")
        return {"choice": picked[0]} if picked else None

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return self.option_label(question, response["choice"])

    def chosen_options(self, response: dict[str, Any]) -> list[int]:
        return [response["choice"]]
