"""The interface in Macedonian, Ukrainian and English, and catalogues that stay in step with the code.

SPEC 7: the player's own strings use Flask-Babel catalogues, with at least en, mk and uk, and
right-to-left languages render right to left.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import ngettext

from blocks.evaluation import fixed_paragraphs, standard_evaluation
from blocks.model import MODE_NAMES, SCALES
from player.web import i18n
from player.web.templating import gap_inputs
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "player" / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGS = ("en", "mk", "uk", "bg")
TRANSLATED = ("mk", "uk", "bg")  # English is the source language: its msgstr stay empty on purpose
DOC = ROOT / "docs" / "translating-the-player.md"
EVALUATION = "/courses/core-blocks/a-cultural-sensitivity/evaluation"

# The one extraction command; docs/translating-the-player.md must show it as written here.
EXTRACT = ("pybabel extract -F babel.cfg -k N_ -c Translators: --project=coursepack"
           " --copyright-holder=coursepack -o player/translations/messages.pot .")


def _po(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _read_po(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _keys(catalog: Catalog) -> set[tuple]:
    """Message ids with their context; a plural message by both its forms."""
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def _contents(catalog: Catalog) -> dict:
    """Every message of a compiled catalogue, in a comparable form (the header is Babel's)."""
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value
    return {(m.context, plain(m.id)): plain(m.string) for m in catalog if m.id}


def _translation(lang: str, msgid: str) -> str:
    message = _read_po(_po(lang), lang).get(msgid)
    assert message is not None and message.string, f"{lang} has no translation of {msgid!r}"
    return message.string


# --- catalogues in step with the code -------------------------------------------------------


def test_pot_holds_exactly_the_strings_marked_in_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "messages.pot"
    program, *args = EXTRACT.replace("player/translations/messages.pot", str(fresh)).split()
    CommandLineInterface().run([program, "--quiet", *args])
    extracted, committed = _keys(_read_po(fresh)), _keys(_read_po(POT))
    assert extracted - committed == set(), "marked in the code but missing from messages.pot: run the extraction in docs/translating-the-player.md"
    assert committed - extracted == set(), "in messages.pot but no longer in the code: run the extraction in docs/translating-the-player.md"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_every_message_of_the_template(lang: str) -> None:
    assert _keys(_read_po(_po(lang), lang)) == _keys(_read_po(POT)), f"run pybabel update for {lang} (docs/translating-the-player.md)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_is_complete_and_nothing_is_fuzzy(lang: str) -> None:
    catalog = _read_po(_po(lang), lang)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert fuzzy == [], f"{lang}: fuzzy messages are not shown to learners until reviewed"
    assert untranslated == [], f"{lang}: untranslated messages"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_the_english(lang: str) -> None:
    """A translation that drops or renames %(n)d would raise or show the wrong number."""
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _read_po(_po(lang), lang).check()]
    assert problems == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_drafts_say_they_await_a_native_speaker(lang: str) -> None:
    assert _read_po(_po(lang), lang).language_team == "draft, awaiting native-speaker review"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_mo_carries_the_messages_of_the_po(lang: str) -> None:
    """The app reads only .mo files, which `make` compiles: one left behind its .po serves stale
    or missing strings. Messages only: the header names the Babel release that wrote it."""
    compiled = io.BytesIO()
    write_mo(compiled, _read_po(_po(lang), lang))
    compiled.seek(0)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        built = read_mo(f)
    assert _contents(built) == _contents(read_mo(compiled)), "run make install (it compiles the catalogues)"


def test_the_fixed_texts_of_blocks_are_in_the_template() -> None:
    """blocks/ marks its fixed texts once (N_); the player's extraction reads them from there."""
    fixed = {*fixed_paragraphs().values(), *(label for scale in SCALES.values() for label in scale), *MODE_NAMES.values()}
    assert fixed - {m.id for m in _read_po(POT)} == set()


def test_the_docs_show_the_extraction_command() -> None:
    assert EXTRACT in DOC.read_text(encoding="utf-8")


# --- the interface in the learner's language ---------------------------------------------


def test_macedonian_on_request(client: FlaskClient) -> None:
    html = client.get("/?lang=mk").get_data(as_text=True)
    assert '<html lang="mk" dir="ltr">' in html
    assert "<h1>Курсеви</h1>" in html
    assert "Премини на содржината" in html  # skip link
    assert "<h1>Courses</h1>" not in html


def test_ukrainian_on_request(client: FlaskClient) -> None:
    html = client.get("/?lang=uk").get_data(as_text=True)
    assert '<html lang="uk" dir="ltr">' in html
    assert "<h1>Курси</h1>" in html


def test_bulgarian_on_request(client: FlaskClient) -> None:
    html = client.get("/?lang=bg").get_data(as_text=True)
    assert '<html lang="bg" dir="ltr">' in html
    assert "<h1>Курсове</h1>" in html and "Към съдържанието" in html
    assert "Български" in html, "the language menu offers Bulgarian in Bulgarian"


def test_choice_persists_in_the_session_until_changed(client: FlaskClient) -> None:
    client.get("/?lang=uk")
    assert "<h1>Курси</h1>" in client.get("/").get_data(as_text=True)
    assert "Увійти" in client.get("/signin").get_data(as_text=True)
    client.get("/?lang=en")
    html = client.get("/", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "<h1>Courses</h1>" in html, "the learner's choice outranks the browser's preference"


def test_browser_preference_picks_the_language(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="uk" dir="ltr">' in html and "<h1>Курси</h1>" in html


def test_unknown_languages_fall_back_to_english(client: FlaskClient) -> None:
    assert '<html lang="en" dir="ltr">' in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in client.get("/?lang=xx").get_data(as_text=True)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_evaluation_survey_in_the_interface_language(client: FlaskClient, lang: str) -> None:
    html = client.get(f"{EVALUATION}?lang={lang}").get_data(as_text=True)
    survey = standard_evaluation()
    for question in survey.questions:
        english = re.sub(r"</?p>", "", question.stem_html)
        assert f"<p>{_translation(lang, english)}</p>" in html
        assert english not in html
    for label in SCALES["agree5"] + SCALES["yesno"] + SCALES["confidence5"]:
        assert f"> {_translation(lang, label)}</label>" in html
    assert _translation(lang, re.sub(r"</?p>", "", survey.intro_html)) in html


def test_evaluation_survey_in_ukrainian_reads_as_ukrainian(client: FlaskClient) -> None:
    html = client.get(f"{EVALUATION}?lang=uk").get_data(as_text=True)
    assert "Блок був корисним." in html
    assert "Повністю погоджуюся" in html
    assert "Strongly agree" not in html


def test_evaluation_survey_stays_english_in_english(client: FlaskClient) -> None:
    html = client.get(f"{EVALUATION}?lang=en").get_data(as_text=True)
    assert "<p>The block was useful.</p>" in html and "> Strongly agree</label>" in html


def test_other_html_passes_the_filter_unchanged(app: Flask) -> None:
    with app.test_request_context("/?lang=uk"):
        assert str(i18n.interface_html("<p>A stem of a course <em>quiz</em>.</p>")) == "<p>A stem of a course <em>quiz</em>.</p>"
        assert str(i18n.interface_html(standard_evaluation().questions[1].stem_html)) == "<p>Блок був корисним.</p>"


def test_ukrainian_plurals_take_three_forms(app: Flask) -> None:
    with app.test_request_context("/?lang=uk"):
        forms = [ngettext("%(num)d minute", "%(num)d minutes", n) for n in (1, 3, 5, 11, 21, 22, 45)]
    assert forms == ["1 хвилина", "3 хвилини", "5 хвилин", "11 хвилин", "21 хвилина", "22 хвилини", "45 хвилин"]


def test_gap_inputs_are_labelled_in_the_interface_language(app: Flask) -> None:
    with app.test_request_context("/?lang=mk"):
        html = gap_inputs('<p>Call <span class="cp-gap" data-gap="0"></span>.</p>', "q-x")
    assert 'aria-label="Одговор 1"' in html


# --- right to left ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [("ar", "rtl"), ("he", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("en", "ltr"), ("mk", "ltr"), ("uk", "ltr"), ("bg", "ltr")])
def test_direction_of_a_language(lang: str, expected: str) -> None:
    assert i18n.direction(lang) == expected


def test_a_right_to_left_interface_language_renders_right_to_left(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Arabic catalogue yet: offer "ar" for this test only, and the page turns right to left."""
    monkeypatch.setitem(i18n.LANGUAGES, "ar", "العربية")
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in client.get("/?lang=en").get_data(as_text=True)


def test_every_interface_language_flags_untranslated_content_in_its_own_words() -> None:
    """The flag after a unit shown in the source language is drawn by the style sheet, outside the
    catalogue: a language offered without its line would flag Bulgarian pages in English."""
    css = (ROOT / "player" / "web" / "static" / "player.css").read_text(encoding="utf-8")
    flags = dict(re.findall(r':root:lang\((\w+)\) \.untranslated::after \{ content: "([^"]+)"; \}', css))
    assert sorted(flags) == sorted(code for code in i18n.LANGUAGES if code != "en")
    assert len(set(flags.values())) == len(flags) and "not yet translated" not in "".join(flags.values())
