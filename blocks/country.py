"""Country notes: the bodies, rules and numbers of one country, for the trainer pack's annex.

A note is a small Markdown file, `countries/<code>/note.md`, in the courses folder beside the
course folders (`<code>` is the country's ISO 3166 code in lower case: mk, ua, bg). Its front
matter says which country it is for, when and by whom it was last checked, and which languages
it is translated into; its body is plain Markdown: `##` sections with ids, tables and lists.

Every table row of a note is a fact that changes (a law, a body, a number), so every row carries
the marker [verify], which the pack prints as a box to tick once the fact has been checked
locally. A number that looks like a phone number may only stand in a marked row or paragraph,
and a number nobody has checked is left as a blank to fill in: a note never guesses one.

Notes are translated like blocks: one PO catalogue per language in the note's `locales/`, the
same units, contexts and fallback per unit (`blocks.l10n`, `blocks.catalogues`). A translation that drops or adds a
[verify] marker, or changes, drops or adds a number, is refused (`blocks.l10n.unit_problem`), so a
translator can neither unmark a fact nor change a number to call; a cell of only a number or a
dotted blank is not a unit at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markdown_it.token import Token

from blocks.frontmatter import _MISTAKEN_LANGS, LANG_PATTERN, load_yaml
from blocks.html import render_tokens
from blocks.catalogues import CatalogueError, catalogue_path, check_catalogues, load_translation
from blocks.l10n import FRONT_MATTER, VERIFY, Translation, Unit, apply_to_tokens, translator, walk_units
from blocks.model import Report
from blocks.parser import shared_parser
from blocks.syntax.containers import CONTAINER

COUNTRIES = "countries"  # the folder of notes, beside the course folders
NOTE_FILE = "note.md"
NONE = "none"  # asks a pack for no note at all
# The country whose note a pack prints when it is in this language and no country is asked for.
DEFAULT_COUNTRY = {"mk": "mk", "uk": "ua", "bg": "bg"}
CODE_PATTERN = re.compile(r"[a-z]{2}\Z")
KEYS = ("country", "title", "lang", "version", "checked", "checked_by", "languages")
TRANSLATABLE = ("title", "checked_by")
# Three digits or more, in groups ("112", "116 111", "0 800 500 335"); years are not numbers to call.
_NUMBER = re.compile(r"(?<![\d.,/])\d{1,4}(?:[ -]?\d{2,4})*(?![\d/])")
_YEAR = re.compile(r"(19|20)\d\d\Z")


@dataclass(frozen=True)
class CountryNote:
    """A country note as the pack prints it, in one language."""

    country: str
    title: str
    lang: str
    version: int
    checked: date
    checked_by: str
    languages: tuple[str, ...]
    html: str
    path: Path
    source_lang: str = ""  # set on a translated note: the language it falls back to
    coverage: float = 1.0
    translation_status: str = ""

    @property
    def id(self) -> str:
        """The note's id in a pack and in its catalogues' headers."""
        return f"country-{self.country}"

    @property
    def folder(self) -> Path:
        return self.path.parent


class NoteNotFound(LookupError):
    """No note for the country asked for; the message names the ones there are."""


def notes_folder(courses: Path) -> Path:
    """Where the notes of a courses folder live."""
    return courses / COUNTRIES


def available(folder: Path) -> list[str]:
    """The country codes that have a note in `folder`, in order."""
    return sorted(p.parent.name for p in folder.glob(f"*/{NOTE_FILE}")) if folder.is_dir() else []


def country_for(country: str | None, lang: str | None) -> str | None:
    """The country a pack asks for: the one named, else its language's default; None for none."""
    if country:
        return None if country == NONE else country
    return DEFAULT_COUNTRY.get(lang or "")


def find_note(folder: Path, country: str) -> Path:
    """The note file of `country` in `folder`, or NoteNotFound saying which countries there are."""
    path = folder / country / NOTE_FILE
    if path.is_file():
        return path
    there = ", ".join(available(folder)) or "none"
    raise NoteNotFound(f"no country note {country!r} in {folder} (notes there: {there}); "
                       f"write {folder / country / NOTE_FILE} or choose another --country")


# -- reading and checking -------------------------------------------------------------------
def read_note(path: Path, report: Report, lang: str | None = None) -> CountryNote | None:
    """The note at `path`, in `lang` when it has a catalogue for it (unit by unit, falling back to
    the source), else in its source language.

    Problems go to `report`; None means the note cannot be printed.
    """
    text = path.read_text(encoding="utf-8")
    front, tokens = _parse(text, path, report)
    _check_body(tokens, path, report)
    if front is None:
        return None
    note = CountryNote(**front, html="", path=path)
    translation = _translation(path, lang, text, report) if lang and lang != note.lang else None
    if translation is not None:
        translate = translator(translation)
        note = replace(note, title=translate(FRONT_MATTER, note.title) or note.title,
                       checked_by=translate(FRONT_MATTER, note.checked_by) or note.checked_by,
                       lang=lang, source_lang=note.lang, coverage=translation.coverage,
                       translation_status=translation.status)
        apply_to_tokens(shared_parser(), tokens, translate, note.source_lang)
    return replace(note, html=render_tokens(shared_parser(), tokens[1:]))


def _translation(path: Path, lang: str, text: str, report: Report) -> Translation | None:
    """The note's catalogue for `lang`, if it has one that can be read (else reported)."""
    if not catalogue_path(path, lang).is_file():
        return None
    try:
        return load_translation(path, lang, note_units(text, path))
    except CatalogueError as error:
        report.error(error.path, error.line, "unreadable-catalogue", error.problem)
        return None


def check_notes(folder: Path, report: Report) -> int:
    """Check every note in a countries folder; how many there are."""
    codes = available(folder)
    for code in codes:
        read_note(folder / code / NOTE_FILE, report)
        check_catalogues(folder / code / NOTE_FILE, report)
    return len(codes)


def _parse(text: str, path: Path, report: Report) -> tuple[dict[str, Any] | None, list[Token]]:
    tokens = shared_parser().parse(text, {})
    if not tokens or tokens[0].type != "front_matter":
        report.error(path, 1, "missing-front-matter", "a country note starts with YAML front matter between two '---' lines")
        return None, tokens
    return _front_matter(tokens[0].content, path, report), tokens


def _front_matter(text: str, path: Path, report: Report) -> dict[str, Any] | None:
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError as exc:
        report.error(path, 1, "front-matter-yaml", f"the front matter is not valid YAML: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, dict):
        report.error(path, 1, "front-matter-yaml", "the front matter must be a YAML mapping of keys to values")
        return None
    problems = [*_key_problems(data), *_value_problems(data, path)]
    for key, code, message in problems:
        report.error(path, _key_line(text, key), code, message)
    if problems:
        return None
    return {**{key: data[key] for key in KEYS}, "title": str(data["title"]).strip(),
            "checked_by": str(data["checked_by"]).strip(), "languages": tuple(map(str, data["languages"]))}


def _key_line(text: str, key: str) -> int:
    """The file line of a front matter key (the front matter starts on line 2), else line 1."""
    lines = text.splitlines()
    return next((number for number, line in enumerate(lines, start=2) if line.startswith(f"{key}:")), 1)


def _key_problems(data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    for key in sorted(set(map(str, data)) - set(KEYS)):
        yield key, "unknown-key", f"unknown country note key {key!r}; known keys are {', '.join(KEYS)}"
    for key in KEYS:
        if data.get(key) in (None, ""):
            yield key, "missing-key", f"the front matter of a country note needs {key!r}"


def _value_problems(data: dict[str, Any], path: Path) -> Iterator[tuple[str, str, str]]:
    country, lang, version = str(data.get("country", "")), str(data.get("lang", "")), data.get("version")
    if country and not CODE_PATTERN.match(country):
        yield "country", "bad-country", f"country {country!r} must be a two-letter ISO 3166 code in lower case, such as mk, ua or bg"
    elif country and country != path.parent.name:
        yield "country", "bad-country", f"country {country!r} does not match the note's folder {path.parent.name!r}; keep them the same"
    if lang and (not LANG_PATTERN.match(lang) or lang in _MISTAKEN_LANGS):
        yield "lang", "bad-lang", f"lang {lang!r} is not a BCP 47 language code such as en, mk, uk or bg"
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        yield "version", "bad-value", f"'version' must be a whole number of at least 1, not {version!r}"
    if data.get("checked") is not None and not isinstance(data["checked"], date):
        yield "checked", "bad-value", f"'checked' must be the date the note was last checked, as YYYY-MM-DD, not {data['checked']!r}"
    languages = data.get("languages")
    if languages is not None and (not isinstance(languages, list) or not all(LANG_PATTERN.match(str(code)) for code in languages)):
        yield "languages", "bad-value", "'languages' lists the languages the note is translated into, like [mk]"


def _check_body(tokens: list[Token], path: Path, report: Report) -> None:
    """Sections with ids, no containers or images, and every fact marked [verify]."""
    for token, line in _lines(tokens):
        if token.type == "heading_open" and token.tag == "h2" and not token.attrGet("id"):
            report.error(path, line, "missing-id", "a section of a country note needs an id: write '## Title {#some-id}'")
        elif token.type == CONTAINER + "_open":
            report.error(path, line, "unknown-container", "a country note is plain Markdown: tables, lists and paragraphs, no ':::' containers")
        elif token.type == "inline" and any(child.type == "image" for child in token.children or []):
            report.error(path, line, "external-image", "a country note has no images; describe it in words")
    for row, line in _rows(tokens):
        if VERIFY not in row:
            report.error(path, line, "unverified-fact", f"every table row of a country note is a fact to check locally: add {VERIFY} to it")
    for text, line in _paragraphs(tokens):
        if _phone_numbers(text) and VERIFY not in text:
            report.error(path, line, "unverified-number", f"{', '.join(_phone_numbers(text))} looks like a phone number: mark the text {VERIFY}, or move it to a marked table row")


def _lines(tokens: list[Token]) -> Iterator[tuple[Token, int]]:
    line = 1
    for token in tokens:
        if token.map:
            line = token.map[0] + 1
        yield token, line


def _rows(tokens: list[Token]) -> Iterator[tuple[str, int]]:
    """The text of each table body row, with its line."""
    cells: list[str] = []
    line, in_body = 0, False
    for token, at in _lines(tokens):
        if token.type in ("tbody_open", "tbody_close"):
            in_body = token.type == "tbody_open"
        elif in_body and token.type == "tr_open":
            cells, line = [], at
        elif in_body and token.type == "inline":
            cells.append(token.content)
        elif in_body and token.type == "tr_close":
            yield " ".join(cells), line


def _paragraphs(tokens: list[Token]) -> Iterator[tuple[str, int]]:
    """The text of each run outside tables: paragraphs, list items, headings."""
    in_table = False
    for token, line in _lines(tokens):
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
        elif token.type == "inline" and not in_table:
            yield token.content, line


def _phone_numbers(text: str) -> list[str]:
    found = (match.group(0) for match in _NUMBER.finditer(text))
    return [number for number in found if len(re.sub(r"\D", "", number)) >= 3 and not _YEAR.match(number)]


# -- translation ----------------------------------------------------------------------------
def note_units(text: str, path: Path) -> list[Unit]:
    """The translatable units of a note: its title, who checked it, and every run of its body."""
    tokens = shared_parser().parse(text, {})
    front = _front_matter(tokens[0].content, path, Report()) if tokens and tokens[0].type == "front_matter" else None
    units = [Unit(FRONT_MATTER, str(front[key]), "front-matter", 1, keeps_numbers=True)
             for key in TRANSLATABLE if front and front.get(key)]
    for token, context, category, comment in walk_units(tokens):
        units.append(Unit(context, token.content, category, token.map[0] + 1 if token.map else 0, comment, keeps_numbers=True))
    return list({(unit.context, unit.source): unit for unit in units}.values())


@dataclass(frozen=True)
class NoteCatalogue:
    """A note as `blocks.catalogues` sees it (a `Catalogued`), with the languages it is translated into."""

    id: str
    title: str
    version: int
    lang: str
    source: Path  # the note's file, beside which its locales/ live
    languages: tuple[str, ...] = field(default=())


def catalogue_view(path: Path, report: Report) -> NoteCatalogue | None:
    """A note as the translate commands see it: its id, version, language and target languages."""
    front, _tokens = _parse(path.read_text(encoding="utf-8"), path, report)
    if front is None:
        return None
    return NoteCatalogue(f"country-{front['country']}", front["title"], front["version"], front["lang"], path, front["languages"])
