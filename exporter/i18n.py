"""The pack's own words in the pack's language: labels, guidance pages, dates, numbers.

Blocks bring their content in their language (their PO catalogues, `blocks.l10n`). The texts the
exporter writes itself (headings, table headers, the safe space guidance, forms, running
footers) come from the catalogues in exporter/translations/, one per language, English being the
source. A pack whose language has no catalogue, or whose blocks are in several languages
(`mul`), prints them in English. docs/trainer-pack.md says how to extract, update and compile.

Python marks a text for translation in one of two ways: `_ = texts.gettext` where it builds
text for one pack, and `N_("...")` for fixed texts defined once, which are translated where they
are printed. The fixed texts of blocks/ (modes, scales, the standard evaluation) are marked
there, and extracted from there into this catalogue too (exporter/babel.cfg).
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import Translations

from blocks.evaluation import fixed_paragraphs
from blocks.model import MODE_NAMES, SCALES, Mode, Question, Survey

TRANSLATIONS = Path(__file__).parent / "translations"
ENGLISH = NullTranslations()
SOURCE_LOCALE = "en_GB"  # English dates read "14 March 2026", as packs have always printed them


@cache
def translations(lang: str) -> NullTranslations:
    """The exporter's catalogue for `lang`; English (no translation) for `mul` or a language without one."""
    if not lang or lang == "mul":
        return ENGLISH
    return Translations.load(str(TRANSLATIONS), [lang.replace("-", "_")])


def text_locale(lang: str) -> str:
    """The locale of the pack's own texts: its language when translated, else English."""
    return lang.replace("-", "_") if isinstance(translations(lang), Translations) else SOURCE_LOCALE


def long_date(day: date, lang: str) -> str:
    """'14 March 2026', '14 март 2026 г.', '14 березня 2026 р.'."""
    return format_date(day, format="long", locale=text_locale(lang))


def hours_text(hours: float, lang: str) -> str:
    """'1 hour', '1.5 hours'; a fraction takes the form each language uses after a decimal number."""
    texts, number = translations(lang), format_decimal(hours, locale=text_locale(lang))
    if hours == int(hours):
        return texts.ngettext("%(num)s hour", "%(num)s hours", int(hours)) % {"num": number}
    # Translators: hours with a fraction: "1.5 hours". Use the form your language takes after a decimal number.
    return texts.pgettext("fraction", "%(num)s hours") % {"num": number}


def training_time(minutes: int, lang: str) -> str:
    """'45 minutes', '90 minutes (1.5 hours)': minutes as the player states a block's length,
    hours beside them once there is a full hour, for whoever counts training hours."""
    texts = translations(lang)
    text = texts.ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}
    if minutes < 60:
        return text
    return f"{text} ({hours_text(round(minutes / 60, 1), lang)})"


def language_name(code: str, lang: str = "en") -> str:
    """'uk' -> 'Ukrainian (українська, uk)': named in the pack's language and in its own."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
        shown = locale.get_display_name(Locale.parse(text_locale(lang))) or code
    except (ValueError, UnknownLocaleError):
        return code
    native = locale.get_display_name(locale)
    return f"{shown} ({code})" if shown == native else f"{shown} ({native}, {code})"


def mode_name(mode: str, texts: NullTranslations = ENGLISH) -> str:
    """An activity's way of working in the pack's language; '' (no mode) stays ''."""
    return texts.gettext(MODE_NAMES[Mode(mode)]) if mode else ""


def scale_labels(scale: str, texts: NullTranslations = ENGLISH) -> tuple[str, ...]:
    """The labels of a likert scale, in the pack's language."""
    return tuple(texts.gettext(label) for label in SCALES.get(scale, ()))


def translated_survey(survey: Survey, texts: NullTranslations = ENGLISH) -> Survey:
    """The standard evaluation in the pack's language; any other paragraph is left as it is."""
    paragraphs = fixed_paragraphs()

    def paragraph(fragment: str) -> str:
        text = paragraphs.get(fragment)
        return fragment if text is None else f"<p>{html.escape(texts.gettext(text))}</p>"

    questions: tuple[Question, ...] = tuple(replace(q, stem_html=paragraph(q.stem_html)) for q in survey.questions)
    return replace(survey, intro_html=paragraph(survey.intro_html), questions=questions)
