"""text: words to type in gaps `[[answer|alternative]]`, compared after trimming, collapsing
spaces, case-folding and Unicode NFC (see `gaps.normalise_text`)."""

from __future__ import annotations

from typing import Any

from blocks.gift import values as gift
from blocks.model import Gap, QuestionType
from blocks.qtypes.base import GiftNotes, NotImportable
from blocks.qtypes.gaps import GapFill


class Text(GapFill):
    type = QuestionType.TEXT
    gift_kind = gift.Kind.SHORTANSWER

    def gap_problem(self, meta: dict[str, Any], content: str) -> str | None:
        if "low" in meta:
            return f"[[{content}]] is numeric; use type=numeric for number answers"
        return None

    def gap_answer(self, gap: Gap) -> str:
        return gap.accepted[0]

    def gap_key(self, gap: Gap) -> str:
        return " / ".join(gap.accepted)

    def gift_gap(self, gap: Gap, stem: gift.Text, notes: GiftNotes) -> gift.Question:
        answers = tuple(gift.Answer(gift.Text(accepted, "plain"), 1.0) for accepted in gap.accepted)
        return gift.Question(gift.Kind.SHORTANSWER, stem, answers=answers)

    def gap_source(self, item: gift.Question, notes: GiftNotes) -> str:
        """The full-marks answers, each as written; weights below 100% and feedback are lost."""
        accepted = []
        for number, answer in enumerate(item.answers, start=1):
            text = " ".join(answer.text.text.split())
            if answer.weight < 0.999:
                notes.lossy(f"answer {number} ({text!r}) weighs {gift.percent(answer.weight)}%: a gap accepts an answer fully or not at all, so it is left out")
            elif "|" in text or "]]" in text or not text:
                notes.lossy(f"answer {number} ({text!r}) cannot stand in a gap (| and ]] separate answers there): left out")
            else:
                accepted.append(text)
                if "*" in text:
                    notes.lossy(f"answer {number} ({text!r}): Moodle reads * as any text; here it is compared as written")
            if answer.feedback:
                notes.lossy(f"the feedback of answer {number} is lost: a gap has no feedback per answer")
        if not accepted:
            raise NotImportable("a short-answer question needs an answer worth 100% (=answer)")
        return f"[[{'|'.join(accepted)}]]"
