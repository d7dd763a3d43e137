"""text: words to type in gaps `[[answer|alternative]]`, compared after trimming, collapsing
spaces, case-folding and Unicode NFC (see `gaps.normalise_text`)."""

from __future__ import annotations

from typing import Any

from blocks.model import Gap, QuestionType
from blocks.qtypes.gaps import GapFill


class Text(GapFill):
    type = QuestionType.TEXT

    def gap_problem(self, meta: dict[str, Any], content: str) -> str | None:
        if "low" in meta:
            return f"[[{content}]] is numeric; use type=numeric for number answers"
        return None

    def gap_answer(self, gap: Gap) -> str:
        return gap.accepted[0]

    def gap_key(self, gap: Gap) -> str:
        return " / ".join(gap.accepted)
