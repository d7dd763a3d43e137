"""A country note in print: each [verify] becomes a box to tick once the fact is checked locally.

Which note a pack prints is decided in `exporter.pack`; this module only renders it (pure).
"""

from __future__ import annotations

from gettext import NullTranslations

from markupsafe import Markup, escape

from blocks.country import VERIFY, CountryNote
from exporter.i18n import ENGLISH


def verify_mark(texts: NullTranslations = ENGLISH) -> Markup:
    """The printed form of [verify], in the pack's language."""
    # Translators: printed after each fact of a country note that must be checked locally before use.
    return Markup('<span class="verify">{}</span>').format(texts.gettext("check locally"))


def note_html(note: CountryNote, texts: NullTranslations = ENGLISH) -> Markup:
    """The note's sanitised HTML with each [verify] printed as a box to tick."""
    return Markup(note.html.replace(escape(VERIFY), verify_mark(texts)))
