"""multiple: one or more right options of a task list; all or nothing, or partial=true.

Response: {"choices": [0, 2]} (the options' source indices). With partial credit a response earns
(right picks - wrong picks) / right options, never below 0 (SPEC section 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, Reader, indices_in
from blocks.qtypes.choice import Choice

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


class Multiple(Choice):
    type = QuestionType.MULTIPLE
    attributes = frozenset({"partial"})

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {**super().read(reader, answers), "partial": reader.boolean("partial", False)}

    def check(self, question: Question, error: Error) -> None:
        super().check(question, error)
        if question.options and self.correct_count(question) < 1:
            error("multiple-correct", "a multiple-choice question needs at least one correct option ('- [x]')")

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        indices_in(response.get("choices"), len(question.options), distinct=True)

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        picked = set(response["choices"])
        right = {i for i, option in enumerate(question.options) if option.correct}
        if not question.partial:
            return 1.0 if picked == right else 0.0
        return max(0.0, (len(picked & right) - len(picked - right)) / len(right))

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"choices": [i for i, option in enumerate(question.options) if option.correct]}

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        picked = self.picked(question, form, names)
        return {"choices": picked} if picked else None

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return "; ".join(self.option_label(question, i) for i in response["choices"])

    def chosen_options(self, response: dict[str, Any]) -> list[int]:
        return list(response["choices"])
