"""order: an ordered list written in the right order; the learner numbers the items.

Response: {"order": [2, 0, 1]}: item indices in the order the learner put them. All or nothing.
The items are always shown shuffled, and each item's field name is a token, not its position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html, inline, markdown
from blocks.html import plain_text
from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, InvalidResponse, QuestionKind, Reader, indices_in, whole_number

# Moodle's ordering question (qtype_ordering) as GIFT writes it: show all items, vertically,
# all or nothing, as ours is scored.
GIFT_HEADER = "ALL VERTICAL ALL_OR_NOTHING"

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


class Order(QuestionKind):
    type = QuestionType.ORDER
    scored = True
    answer_list = "ordered_list"
    answer_list_name = "an ordered list (1. 2. 3.)"
    always_shuffled = True

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {"items": reader.items(answers)} if answers is not None else {}

    def check(self, question: Question, error: Error) -> None:
        if 0 < len(question.items) < 2:
            error("too-few-items", "an order question needs at least two items")

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        count = len(question.items)
        indices_in(response.get("order"), count, distinct=True, exact=count)

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        return 1.0 if list(response["order"]) == list(range(len(question.items))) else 0.0

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"order": list(range(len(question.items)))}

    def answer_key(self, question: Question) -> str:
        return " → ".join(question.items)

    def package_key(self, question: Question) -> dict[str, Any] | None:
        return {"rule": "sequence", "count": len(question.items)}  # the source order is the right one

    def ordered(self, question: Question) -> int:
        return len(question.items)

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        count = len(question.items)
        fields = [form.get(f"{names.name(question)}-item-{names.token(question, 'item', i)}", "") for i in range(count)]
        positions = [whole_number(field) for field in fields]
        if all(position is None for position in positions):
            if any(fields):
                raise InvalidResponse(f"question {question.id}: positions are whole numbers")
            return None
        ranked = sorted(range(count), key=lambda i: (positions[i] is None, positions[i] or 0, i))
        return {"order": ranked}

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return "; ".join(f"{n}. {plain_text(question.items[i])}" for n, i in enumerate(response["order"], start=1))

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        """Moodle's ordering question, items in the right order, one a line."""
        header = f">{len(question.items)} {GIFT_HEADER}"
        return gift.Question(gift.Kind.ORDERING, as_html(question.stem_html), items=tuple(as_html(i) for i in question.items), header=header)

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """An ordering question; other ways Moodle shows or grades it are reported."""
        if item.kind != gift.Kind.ORDERING:
            return None
        options = item.header.lstrip(">").split()
        shows_all = bool(options) and options[0].isdigit() and int(options[0]) >= len(item.items)
        if not shows_all or "ALL_OR_NOTHING" not in options[1:]:
            notes.lossy(f"ordering options {item.header!r}: here every item is shown and the order scores all or nothing")
        lines = [markdown(item.stem), ""]
        lines += [f"{number}. {inline(text)}" for number, text in enumerate(item.items, start=1)]
        return Imported({"type": str(self.type)}, "\n".join(lines))
