"""numeric: a number in each gap, `[[#15]]`, `[[#15:2]]` (15 plus or minus 2) or `[[#10..15]]`;
right when inside the range. A decimal comma counts as a point."""

from __future__ import annotations

from typing import Any

from blocks.model import Gap, QuestionType
from blocks.qtypes.gaps import GapFill, number_text


class Numeric(GapFill):
    type = QuestionType.NUMERIC

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
