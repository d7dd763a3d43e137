"""likert: a statement rated on a scale (`scale=agree5`, `yesno`, `confidence5`); surveys only.

Response: {"value": 4}, the 1-based position on the scale. Unscored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html
from blocks.model import SCALES, Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, QuestionKind, Reader, index_in, whole_number

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


class Likert(QuestionKind):
    type = QuestionType.LIKERT
    scored = False
    answer_list = None
    attributes = frozenset({"scale"})

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        if not reader.has("scale"):
            reader.error("missing-attribute", f"a likert question needs scale=, one of {', '.join(SCALES)}")
            return {"scale": "agree5"}
        return {"scale": reader.choice("scale", SCALES, "agree5")}

    def placement_problem(self, container: str) -> tuple[str, str] | None:
        if container == "quiz":
            return "likert-in-quiz", "likert questions belong in a survey, not a quiz"
        return super().placement_problem(container)

    def check(self, question: Question, error: Error) -> None:
        """Its scale is checked while reading it."""

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        index_in(response.get("value"), len(SCALES[question.scale]) + 1, minimum=1)

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        return 0.0

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"value": 1}

    def answer_key(self, question: Question) -> str:
        return ""

    def package_key(self, question: Question) -> dict[str, Any] | None:
        return None  # unscored

    def ordered(self, question: Question) -> int:
        return 0

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        value = whole_number(form.get(names.name(question)))
        return None if value is None else {"value": value}

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return str(response["value"])

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        """Moodle's quizzes have no rating scale: the statement alone, as a description."""
        notes.lossy(f"a likert rating ({question.scale}) has no GIFT equivalent: exported as a description, without its scale")
        return gift.Question(gift.Kind.DESCRIPTION, as_html(question.stem_html))

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """No GIFT question is a rating on a scale."""
        return None
