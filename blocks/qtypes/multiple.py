"""multiple: one or more right options of a task list; all or nothing, or partial=true.

Response: {"choices": [0, 2]} (the options' source indices). With partial credit a response earns
(right picks - wrong picks) / right options, never below 0 (SPEC section 5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, NotImportable, Reader, indices_in
from blocks.qtypes.choice import Choice

_CLOSE = 0.001  # GIFT weights are percentages with at most five decimals
# Moodle accepts a weight only from its list of grades (100%, 50%, 33.33333%, ... 10%, 5%): a
# right option's share 1/n is on it for these n.
_MOODLE_SHARES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20})

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

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        """Right options share the marks; a wrong pick costs a right option's share with partial
        credit (Moodle's own scoring, then), or all the marks without it."""
        right = self.correct_count(question)
        penalty = -1 / right if question.partial else -1.0
        if not question.partial and right > 1:
            notes.lossy("Moodle gives credit for some of the right options; this question gives all or nothing")
        if right not in _MOODLE_SHARES:
            notes.lossy(f"{right} right options weigh {gift.percent(1 / right)}% each, which is not one of Moodle's grades: import with 'Nearest grade' selected")
        return self.gift_question(question, [1 / right if o.correct else penalty for o in question.options], single=False)

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """Multiple choice with no `=`: right options weigh more than 0."""
        if item.kind != gift.Kind.MULTICHOICE or item.single:
            return None
        right = [answer.weight for answer in item.answers if answer.weight > 0]
        wrong = [answer.weight for answer in item.answers if answer.weight <= 0]
        if not right:
            raise NotImportable("no option is right (none is written =option or ~%50%option)")
        partial = not wrong or any(abs(weight + 1) > _CLOSE for weight in wrong)
        if any(abs(weight - 1 / len(right)) > _CLOSE for weight in right):
            notes.lossy(f"the right options weigh {', '.join(gift.percent(w) + '%' for w in right)}; here they weigh the same")
        if partial and any(abs(weight + 1 / len(right)) > _CLOSE for weight in wrong):
            notes.lossy(f"a wrong option costs {gift.percent(1 / len(right))}% here (a right option's share), not {', '.join(gift.percent(-w) + '%' for w in wrong)}")
        if not partial and len(right) > 1:
            notes.lossy("wrong options cost 100%: imported as all or nothing, so picking only some of the right options earns nothing")
        options = [(answer.text, answer.weight > 0, answer.feedback) for answer in item.answers]
        attributes = {"type": str(self.type), **({"partial": "true"} if partial else {})}
        return Imported(attributes, self.gift_body(item.stem, options))
