"""Interface strings that blocks/ defines in English: the standard evaluation, scales and modes.

blocks/ knows no web, so its fixed texts are translated here, as the player renders them. The
English text is the msgid, so a language without a translation shows English.
"""

from __future__ import annotations

import html

from flask_babel import gettext, lazy_gettext
from markupsafe import Markup

from blocks.evaluation import standard_evaluation
from blocks.model import SCALES, Mode


def _paragraphs() -> dict[str, str]:
    """Each fixed `<p>` fragment of the standard evaluation, mapped to its English text."""
    survey = standard_evaluation()
    fragments = [survey.intro_html, *(question.stem_html for question in survey.questions)]
    return {f: html.unescape(f.removeprefix("<p>").removesuffix("</p>")) for f in fragments}


PARAGRAPHS = _paragraphs()
LABELS = tuple(dict.fromkeys(label for labels in SCALES.values() for label in labels))
MODES = tuple(mode.value for mode in Mode)
MESSAGES = (*PARAGRAPHS.values(), *LABELS, *MODES)

# extraction: pybabel reads only literal strings, so MESSAGES is spelled out once more here.
# tests/player/test_i18n.py fails when the two disagree; copy any change in blocks/ to this list.
EXTRACTION = (
    # Translators: the opening line of the survey at the end of every block.
    lazy_gettext("Please tell us what you thought of this block. Your answers are anonymous in reports."),
    # Translators: a statement the learner rates from "Strongly disagree" to "Strongly agree".
    lazy_gettext("The content was relevant to my work."),
    # Translators: a statement the learner rates from "Strongly disagree" to "Strongly agree".
    lazy_gettext("The block was useful."),
    # Translators: a statement the learner answers with "No" or "Yes".
    lazy_gettext("I will be able to apply this directly in my work."),
    # Translators: rated from "Very low" to "Very high".
    lazy_gettext("My confidence on this topic before the block."),
    # Translators: rated from "Very low" to "Very high".
    lazy_gettext("My confidence on this topic after the block."),
    # Translators: a free-text question; the learner's trainer can read the answer.
    lazy_gettext("Any other comment?"),
    lazy_gettext("Strongly disagree"),
    lazy_gettext("Disagree"),
    lazy_gettext("Neither agree nor disagree"),
    lazy_gettext("Agree"),
    lazy_gettext("Strongly agree"),
    lazy_gettext("No"),
    lazy_gettext("Yes"),
    # Translators: the learner's confidence, on a five-point scale from "Very low" to "Very high".
    lazy_gettext("Very low"),
    lazy_gettext("Low"),
    lazy_gettext("Moderate"),
    lazy_gettext("High"),
    lazy_gettext("Very high"),
    # Translators: how a classroom activity is done (shown to trainers): each person alone.
    lazy_gettext("individual"),
    # Translators: how a classroom activity is done (shown to trainers): in pairs.
    lazy_gettext("pairs"),
    # Translators: how a classroom activity is done (shown to trainers): in small groups.
    lazy_gettext("groups"),
    # Translators: how a classroom activity is done (shown to trainers): the whole group together.
    lazy_gettext("plenary"),
)


def interface_html(fragment: str) -> Markup:
    """A fixed evaluation paragraph in the interface language; any other HTML passes unchanged."""
    text = PARAGRAPHS.get(str(fragment))
    if text is None:
        return Markup(fragment)
    return Markup("<p>{}</p>").format(gettext(text))
