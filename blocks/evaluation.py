"""The standard end-of-block evaluation survey: fixed items so reports aggregate everywhere."""

from __future__ import annotations

from functools import cache

from blocks.model import Question, QuestionType, Survey

EVALUATION_ID = "evaluation"
RELEVANCE = "eval-relevance"
USEFULNESS = "eval-usefulness"
APPLY = "eval-apply"
CONFIDENCE_BEFORE = "eval-confidence-before"
CONFIDENCE_AFTER = "eval-confidence-after"
COMMENT = "eval-comment"


def _item(qid: str, stem: str, qtype: QuestionType, scale: str = "", share: str = "") -> Question:
    return Question(id=qid, type=qtype, stem_html=f"<p>{stem}</p>", line=0, scale=scale, share=share)


@cache
def standard_evaluation() -> Survey:
    """The same six items at the end of every block, in every language."""
    likert = QuestionType.LIKERT
    return Survey(
        id=EVALUATION_ID,
        intro_html="<p>Please tell us what you thought of this block. Your answers are anonymous in reports.</p>",
        questions=(
            _item(RELEVANCE, "The content was relevant to my work.", likert, "agree5"),
            _item(USEFULNESS, "The block was useful.", likert, "agree5"),
            _item(APPLY, "I will be able to apply this directly in my work.", likert, "yesno"),
            _item(CONFIDENCE_BEFORE, "My confidence on this topic before the block.", likert, "confidence5"),
            _item(CONFIDENCE_AFTER, "My confidence on this topic after the block.", likert, "confidence5"),
            _item(COMMENT, "Any other comment?", QuestionType.REFLECTION, share="trainer"),
        ),
        line=0,
    )
