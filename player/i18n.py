"""Interface language: ?lang=, then the learner's choice, then the browser's preference."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from player.interface_strings import interface_html

LANGUAGES = {"en": "English", "mk": "Македонски", "uk": "Українська"}
RTL = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})

babel = Babel()


def select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session["lang"] = wanted
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0] in RTL else "ltr"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, text_direction=direction, get_locale=get_locale)
    app.context_processor(lambda: {"lang": str(get_locale())})
    app.jinja_env.filters.update(interface_html=interface_html)
