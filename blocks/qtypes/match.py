"""match: list items `- term -> match`; the learner picks a match for each term from a select.

Response: {"matches": [1, 0, -1]}: for each term, the index of the pair whose match was picked
(-1: none). Scored per pair. The choices are always shown shuffled, and their values are tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html, inline, markdown, plain
from blocks.html import plain_text
from blocks.model import Question, QuestionType
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, InvalidResponse, QuestionKind, Reader, indices_in

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


class Match(QuestionKind):
    type = QuestionType.MATCH
    scored = True
    answer_list = "bullet_list"
    always_shuffled = True

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {"pairs": reader.pairs(answers)} if answers is not None else {}

    def check(self, question: Question, error: Error) -> None:
        if len(question.pairs) < 2:
            error("too-few-pairs", f"a match question needs at least two pairs ('term -> match'), not {len(question.pairs)}")

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        matches = response.get("matches")
        if not isinstance(matches, list) or len(matches) != len(question.pairs):
            raise InvalidResponse(f"expected {len(question.pairs)} matches")
        indices_in([m for m in matches if m != -1], len(question.pairs))

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        hits = sum(picked == index for index, picked in enumerate(response["matches"]))
        return hits / len(question.pairs)

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"matches": list(range(len(question.pairs)))}

    def answer_key(self, question: Question) -> str:
        return "; ".join(f"{p.term_html} → {p.match_html}" for p in question.pairs)

    def package_key(self, question: Question) -> dict[str, Any] | None:
        return {"rule": "pairs", "count": len(question.pairs)}  # each term's match is its own index

    def ordered(self, question: Question) -> int:
        return len(question.pairs)

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        count = len(question.pairs)
        tokens = [form.get(f"{names.name(question)}-term-{t}", "") for t in range(count)]
        if not any(tokens):
            return None
        return {"matches": [names.index(question, "match", token, count) if token else -1 for token in tokens]}

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        pairs = question.pairs
        return "; ".join(f"{plain_text(pairs[t].term_html)} → {pairs[m].match_text if m >= 0 else '–'}"
                         for t, m in enumerate(response["matches"]))

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question:
        """GIFT matching: `=term -> match`, the match side plain text."""
        pairs = tuple(gift.Pair(as_html(p.term_html), plain_text(p.match_html)) for p in question.pairs)
        return gift.Question(gift.Kind.MATCH, as_html(question.stem_html), pairs=pairs)

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """Matching; its distractors (`= -> extra`) have no place here."""
        if item.kind != gift.Kind.MATCH:
            return None
        lines = [markdown(item.stem), ""]
        for pair in item.pairs:
            term = inline(pair.term)
            if not term:
                notes.lossy(f"the extra answer {pair.match!r} (a distractor) is left out: here every match belongs to a term")
            elif "->" in term:
                notes.lossy(f"the pair {term!r} is left out: a term cannot contain ->")
            else:
                lines.append(f"- {term} -> {plain(pair.match)}")
        return Imported({"type": str(self.type)}, "\n".join(lines))
