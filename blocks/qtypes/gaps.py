"""What text and numeric questions share: answer gaps in the stem, one response per gap.

Response: {"gaps": ["116 111", "90"]}, one string per gap, in order. Each gap scores on its own.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from blocks.gift import values as gift
from blocks.gift.text import as_html, markdown
from blocks.model import Gap, Question
from blocks.qtypes.base import Error, FieldNames, Form, GiftNotes, Imported, InvalidResponse, QuestionKind, Reader

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

# Keyboards type the Ukrainian apostrophe (a letter there) as ', ’ or ʼ: all count as one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})
MAX_GAP_ANSWER = 1000  # characters: an answer to a gap is a word or a number
_GAP_SLOT = re.compile(r'<span class="cp-gap" data-gap="\d+"></span>')  # how blocks.syntax.gaps renders a gap


def normalise_text(text: str) -> str:
    """Trim, collapse spaces, case-fold, Unicode NFC, one apostrophe: how text gaps are compared."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text.strip()).casefold()).translate(_APOSTROPHES)


def parse_number(text: str) -> float | None:
    """A learner's number; a decimal comma is accepted as readily as a point."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def gap_matches(gap: Gap, answer: str) -> bool:
    if gap.numeric:
        value = parse_number(answer)
        return value is not None and gap.low <= value <= gap.high  # type: ignore[operator]
    given = normalise_text(answer)
    return any(normalise_text(accepted) == given for accepted in gap.accepted)


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly this number (the 'g' format keeps 6 digits)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


class GapFill(QuestionKind):
    """Gaps `[[...]]` in the stem; the stem shows numbered blanks, never the answers."""

    scored = True
    answer_list = None
    reads_gaps = True

    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        return {"gaps": reader.gaps(self.gap_problem)}

    @abstractmethod
    def gap_problem(self, meta: dict[str, Any], content: str) -> str | None:
        """Why a gap does not suit this type, or None."""

    def check(self, question: Question, error: Error) -> None:
        """A gap's own problems are reported while reading the stem."""

    def validate(self, question: Question, response: dict[str, Any]) -> None:
        gaps = response.get("gaps")
        if (not isinstance(gaps, list) or len(gaps) != len(question.gaps)
                or not all(isinstance(g, str) and len(g) <= MAX_GAP_ANSWER for g in gaps)):
            raise InvalidResponse(f"expected {len(question.gaps)} gap answer(s) of at most {MAX_GAP_ANSWER} characters")

    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        hits = sum(gap_matches(gap, answer) for gap, answer in zip(question.gaps, response["gaps"]))
        return hits / len(question.gaps)

    def correct_response(self, question: Question) -> dict[str, Any]:
        return {"gaps": [self.gap_answer(gap) for gap in question.gaps]}

    @abstractmethod
    def gap_answer(self, gap: Gap) -> str:
        """An answer the gap accepts, for the full-marks response."""

    def answer_key(self, question: Question) -> str:
        return "; ".join(html.escape(self.gap_key(gap), quote=False) for gap in question.gaps)

    @abstractmethod
    def gap_key(self, gap: Gap) -> str:
        """What the printed key says for the gap."""

    def package_key(self, question: Question) -> dict[str, Any] | None:
        """Text gaps carry their accepted answers already normalised (`normalise_text`), numeric
        gaps their range."""
        return {"rule": "gaps", "gaps": [
            {"low": gap.low, "high": gap.high} if gap.numeric else {"accepted": sorted({normalise_text(a) for a in gap.accepted})}
            for gap in question.gaps
        ]}

    def ordered(self, question: Question) -> int:
        return 0

    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        gaps = [form.get(f"{names.name(question)}-gap-{i}", "") for i in range(len(question.gaps))]
        return {"gaps": gaps} if any(g.strip() for g in gaps) else None

    def describe(self, question: Question, response: dict[str, Any]) -> str:
        return "; ".join(response["gaps"])

    # -- GIFT: one blank per question ----------------------------------------------------------
    gift_kind: gift.Kind

    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question | None:
        """A question of one gap: GIFT's answers stand where the gap is (Moodle's missing word)."""
        if len(question.gaps) != 1:
            notes.lossy(f"has {len(question.gaps)} gaps and a GIFT question holds one: not exported; split it into questions of one gap each")
            return None
        stem = as_html(_GAP_SLOT.sub(gift.BLANK, question.stem_html))
        return self.gift_gap(question.gaps[0], stem, notes)

    @abstractmethod
    def gift_gap(self, gap: Gap, stem: gift.Text, notes: GiftNotes) -> gift.Question:
        """The GIFT question of a stem and its one gap."""

    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """The answers become one gap, where they stood or after the stem."""
        if item.kind != self.gift_kind:
            return None
        gap = self.gap_source(item, notes)
        stem = markdown(item.stem)
        body = stem.replace(gift.BLANK, gap) if gift.BLANK in stem else f"{stem} {gap}"
        return Imported({"type": str(self.type)}, body)

    @abstractmethod
    def gap_source(self, item: gift.Question, notes: GiftNotes) -> str:
        """The `[[...]]` of a GIFT question's answers; NotImportable when none is right."""
