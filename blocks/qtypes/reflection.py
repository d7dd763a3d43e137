"""reflection: free text, unscored; private to the learner unless `share=trainer`.

Response: {"text": "..."} of at most 20,000 characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html, markdown
from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, InvalidResponse, QuestionKind, Reader

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

MAX_REFLECTION = 20_000  # characters


class Reflection(QuestionKind):
    type = QuestionType.REFLECTION
    scored = False
    answer_list = None
    attributes = frozenset({"share"})
    prompts_discussion = True

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {"share": reader.choice("share", ["trainer"], "")}

    def check(self, question: Question, error: Error) -> None:
        """Nothing to check beyond its attributes, which are checked while reading it."""

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        text = response.get("text")
        if not isinstance(text, str) or len(text) > MAX_REFLECTION:
            raise InvalidResponse(f"a reflection is text of at most {MAX_REFLECTION:,} characters")

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        return 0.0

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"text": ""}

    def answer_key(self, question: Question) -> str:
        return ""

    def package_key(self, question: Question) -> dict[str, Any] | None:
        return None  # unscored

    def ordered(self, question: Question) -> int:
        return 0

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        text = form.get(names.name(question), "")
        return {"text": text} if text.strip() else None

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return response.get("text", "")

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        """Moodle's essay: free text, which a teacher grades there."""
        if question.share != "trainer":
            notes.lossy("this reflection is private to the learner; a Moodle essay is read and graded by a teacher")
        return gift.Question(gift.Kind.ESSAY, as_html(question.stem_html))

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """An essay (`{}`): free text, unscored here."""
        if item.kind != gift.Kind.ESSAY:
            return None
        notes.lossy("an essay is graded by a teacher in Moodle; here it is an unscored reflection, shared with the trainer")
        return Imported({"type": str(self.type), "share": "trainer"}, markdown(item.stem))
