"""Interface language: ?lang=, then the learner's choice, then the browser's preference."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, get_translations
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from blocks.evaluation import fixed_paragraphs

LANGUAGES = {"en": "English", "mk": "Македонски", "uk": "Українська", "bg": "Български"}
RTL = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})

babel = Babel()


def select_locale() -> str:
    wanted = request.args.get("lang") if request.query_string else None
    if wanted in LANGUAGES:
        session["lang"] = wanted
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return _best_match(request.headers.get("Accept-Language", ""), tuple(LANGUAGES))


@lru_cache(maxsize=256)
def _best_match(accept_language: str, offered: tuple[str, ...]) -> str:
    """The browser's preferred language among those offered: browsers send a handful of distinct
    headers, so each is parsed once."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(offered) or "en"


def direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0] in RTL else "ltr"


def current_lang() -> str:
    """The request's interface language code, chosen once (Flask-Babel's get_locale also parses
    a babel Locale, which the player, needing only the code, can do without)."""
    lang = g.get("interface_lang")
    if lang is None:
        lang = g.interface_lang = select_locale()
    return lang


def translations() -> NullTranslations:
    """The request's catalogue. Templates translate dozens of strings a page, and Flask-Babel's
    lookup (context, domain, locale) costs more than the translation itself, so each language's
    catalogue is kept by the app once Flask-Babel has loaded it."""
    found = g.get("translations")
    if found is None:
        catalogues = current_app.extensions["coursepack_catalogues"]
        lang = current_lang()
        if lang not in catalogues:
            catalogues[lang] = get_translations()
        found = g.translations = catalogues[lang]
    return found


def interface_html(fragment: str) -> Markup:
    """A fixed paragraph of blocks/ (the standard evaluation's) in the interface language; any
    other HTML passes unchanged."""
    text = fixed_paragraphs().get(str(fragment))
    if text is None:
        return Markup(fragment)
    return Markup("<p>{}</p>").format(translations().ugettext(text))


def local_number(value: float | int, digits: int = 2, lang: str | None = None) -> str:
    """A number as the interface language writes it, without trailing zeros: "1 of 1 points",
    "0%", "0,5" in Macedonian (Babel's CLDR data)."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=lang or current_lang())


def language_name(code: str) -> str:
    """A language named in itself ("Македонски", "Română"), as a menu of languages shows it;
    the code when Babel does not know it."""
    if code in LANGUAGES:
        return LANGUAGES[code]
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def local_date(value: date | datetime) -> str:
    """A date as the interface language writes it ("4 December 2026", "4 декември 2026 г.")."""
    return format_date(value.date() if isinstance(value, datetime) else value, format="long", locale=current_lang())


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.extensions["coursepack_catalogues"] = {}
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with the catalogue looked up once
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, text_direction=direction, language_name=language_name)
    app.context_processor(lambda: {"lang": current_lang()})
    app.jinja_env.filters.update(interface_html=interface_html, local_number=local_number, local_date=local_date)
