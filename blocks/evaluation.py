"""The standard end-of-block evaluation survey: fixed items so reports aggregate everywhere.

Its texts are marked once here (N_) and translated by the player and the exporter as they show
them: `fixed_paragraphs` maps each fixed fragment of HTML to its English text.
"""

from __future__ import annotations

import html
from functools import cache

from blocks.model import Question, QuestionType, Survey
from blocks.wording import N_

EVALUATION_ID = "evaluation"
RELEVANCE = "eval-relevance"
USEFULNESS = "eval-usefulness"
APPLY = "eval-apply"
CONFIDENCE_BEFORE = "eval-confidence-before"
CONFIDENCE_AFTER = "eval-confidence-after"
COMMENT = "eval-comment"


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def _item(qid: str, stem: str, qtype: QuestionType, scale: str = "", share: str = "") -> Question:
    return Question(id=qid, type=qtype, stem_html=_paragraph(stem), line=0, scale=scale, share=share)


@cache
def standard_evaluation() -> Survey:
    """The same six items at the end of every block, in every language."""
    likert = QuestionType.LIKERT
    return Survey(
        id=EVALUATION_ID,
        # Translators: the opening line of the survey (and printed form) at the end of every block.
        intro_html=_paragraph(N_("Please tell us what you thought of this block. Your answers are anonymous in reports.")),
        questions=(
            # Translators: a statement rated from "Strongly disagree" to "Strongly agree".
            _item(RELEVANCE, N_("The content was relevant to my work."), likert, "agree5"),
            # Translators: a statement rated from "Strongly disagree" to "Strongly agree".
            _item(USEFULNESS, N_("The block was useful."), likert, "agree5"),
            # Translators: a statement answered with "No" or "Yes".
            _item(APPLY, N_("I will be able to apply this directly in my work."), likert, "yesno"),
            # Translators: rated from "Very low" to "Very high".
            _item(CONFIDENCE_BEFORE, N_("My confidence on this topic before the block."), likert, "confidence5"),
            # Translators: rated from "Very low" to "Very high".
            _item(CONFIDENCE_AFTER, N_("My confidence on this topic after the block."), likert, "confidence5"),
            # Translators: a free-text question at the end of the survey; the trainer can read the answer.
            _item(COMMENT, N_("Any other comment?"), QuestionType.REFLECTION, share="trainer"),
        ),
        line=0,
    )


@cache
def fixed_paragraphs() -> dict[str, str]:
    """Each fixed `<p>` fragment of the standard evaluation, mapped to its English text: what the
    player and the exporter translate when they show it."""
    survey = standard_evaluation()
    fragments = [survey.intro_html, *(question.stem_html for question in survey.questions)]
    return {f: html.unescape(f.removeprefix("<p>").removesuffix("</p>")) for f in fragments}
