"""numeric: a number in each gap, `[[#15]]`, `[[#15:2]]` (15 plus or minus 2) or `[[#10..15]]`;
right when inside the range. A decimal comma counts as a point."""

from __future__ import annotations

from typing import Any

from decimal import Decimal

from blocks.gift import values as gift
from blocks.model import Gap, QuestionType
from blocks.qtypes.base import GiftNotes, NotImportable
from blocks.qtypes.gaps import GapFill, number_text


class Numeric(GapFill):
    type = QuestionType.NUMERIC
    gift_kind = gift.Kind.NUMERICAL

    def gap_problem(self, meta: dict[str, Any], content: str) -> str | None:
        if "low" not in meta:
            return f"[[{content}]] is not numeric; a numeric gap starts with #, like [[#15]]"
        return None

    def gap_answer(self, gap: Gap) -> str:
        return number_text((gap.low + gap.high) / 2)  # type: ignore[operator]

    def gap_key(self, gap: Gap) -> str:
        if gap.low == gap.high:
            return number_text(gap.low)  # type: ignore[arg-type]
        return f"{number_text(gap.low)}–{number_text(gap.high)}"  # type: ignore[arg-type]

    def gift_gap(self, gap: Gap, stem: gift.Text, notes: GiftNotes) -> gift.Question:
        low, high = Decimal(repr(gap.low)), Decimal(repr(gap.high))
        return gift.Question(gift.Kind.NUMERICAL, stem, numbers=(gift.Number(low, high),))

    def gap_source(self, item: gift.Question, notes: GiftNotes) -> str:
        """The first full-marks range; other ranges, weights and feedback are lost."""
        chosen: gift.Number | None = None
        for number, answer in enumerate(item.numbers, start=1):
            if answer.catch_all:
                if answer.feedback:
                    notes.lossy("the feedback for any other answer (~#...) is lost: a gap has no feedback")
                continue
            if answer.weight >= 0.999 and chosen is None:
                chosen = answer
            else:
                notes.lossy(f"answer {number} ({_range(answer)}, {gift.percent(answer.weight)}%) is left out: a gap accepts one range, fully")
            if answer.feedback:
                notes.lossy(f"the feedback of answer {number} is lost: a gap has no feedback per answer")
        if chosen is None:
            raise NotImportable("a numerical question needs an answer worth 100% (=number)")
        return f"[[#{_range(chosen)}]]"


def _range(answer: gift.Number) -> str:
    low, high = format(answer.low, "f"), format(answer.high, "f")
    return low if answer.low == answer.high else f"{low}..{high}"
