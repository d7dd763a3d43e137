"""Localisation of blocks (SPEC section 7): units, PO catalogues, stale detection, fallback.

A unit is one inline run of the source (heading, paragraph, list item, table cell, question
stem, option, feedback, hint, explanation, facilitator paragraph, activity title, handout text),
a printed attribute (handout title, activity materials) or a translatable front matter field.
Its `msgctxt` is the id of the nearest enclosing section or container; its `msgid` is the
source text. Ids, structural attributes, answer marks and minutes are not
inside any unit, so a translator cannot change them. A translated unit must also keep the
source's link targets, numeric gaps, text-gap count and match arrows, or it is refused.

A translated block is assembled by substituting units into the source's own token stream and
building it with the same builder: structure always comes from the source.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polib
from markdown_it import MarkdownIt
from markdown_it.token import Token

from blocks.model import Block, Report
from blocks.syntax.containers import CONTAINER

LOCALES = "locales"
FRONT_MATTER = "front-matter"
INTRODUCTION = "introduction"
TRANSLATABLE_FIELDS = ("title", "summary", "content_note", "attribution")
TRANSLATABLE_LISTS = ("audience", "materials")
SIMILAR_ENOUGH = 0.5  # below this, a changed unit is treated as removed plus new, not as fuzzy


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a block's source."""

    context: str
    source: str
    category: str  # content, activity, facilitator, handout, quiz, survey, front-matter
    line: int
    comment: str = ""


STATUS_HEADER = "X-Coursepack-Translation-Status"  # draft until a native-speaking expert sets "reviewed"


@dataclass
class Translation:
    """What a catalogue gives a block: usable translations, and what is still missing."""

    lang: str
    status: str = "draft"
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    missing: list[Unit] = field(default_factory=list)
    used: list[Unit] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        total = len(self.used) + len(self.missing)
        return len(self.used) / total if total else 1.0

    def missing_in(self, *categories: str) -> list[Unit]:
        return [unit for unit in self.missing if unit.category in categories]


# -- walking the source ---------------------------------------------------------------------
_CATEGORY = {"activity": "activity", "facilitator": "facilitator", "handout": "handout",
             "quiz": "quiz", "question": "quiz", "hint": "quiz", "explanation": "quiz", "survey": "survey"}


def walk_units(tokens: list[Token]) -> Iterator[tuple[Token, str, str, str]]:
    """Every inline token with its context id, category and translator comment, in order."""
    section = INTRODUCTION
    stack: list[tuple[str, str]] = []  # (context id, category) of open containers
    comment = ""
    for token in tokens:
        if token.meta and token.meta.get("translator_comment"):
            comment = token.meta["translator_comment"]
        if token.type == "heading_open" and token.tag == "h2":
            section, stack = str(token.attrGet("id") or section), []
        elif token.type == CONTAINER + "_open":
            kind = token.meta.get("kind", "")
            attrs = token.meta.get("attrs")
            context = attrs.id if attrs is not None and attrs.id else (stack[-1][0] if stack else section)
            category = _CATEGORY.get(kind, "content")
            if stack and stack[-1][1] == "quiz":
                category = "quiz"
            stack.append((context, category))
        elif token.type == CONTAINER + "_close" and stack:
            stack.pop()
        elif token.type == "inline" and token.content.strip():
            context, category = stack[-1] if stack else (section, "content")
            yield token, context, category, comment
            comment = ""


def front_matter_units(values: dict, line: int = 1) -> list[Unit]:
    units = [Unit(FRONT_MATTER, str(values[key]), "front-matter", line) for key in TRANSLATABLE_FIELDS if values.get(key)]
    units += [Unit(FRONT_MATTER, str(o.text), "front-matter", line) for o in values.get("outcomes", ())]
    for key in TRANSLATABLE_LISTS:
        units += [Unit(FRONT_MATTER, str(item), "front-matter", line) for item in values.get(key, ())]
    return units


def extract_units(text: str, path: Path, report: Report | None = None) -> list[Unit]:
    """The units of a block's source, in source order, each (context, source) once."""
    from blocks.build import BlockBuilder

    builder = BlockBuilder(path, report or Report())
    block_values, tokens = builder.front_and_tokens(text)
    units = front_matter_units(block_values) if block_values else []
    for token, context, category, comment in walk_units(tokens):
        line = token.map[0] + 1 if token.map else 0
        units.append(Unit(context, token.content, category, line, comment))
        for child in token.children or []:
            if child.type == "link_open" and child.attrGet("title"):
                units.append(Unit(context, str(child.attrGet("title")), category, line))
    units += _attribute_units(tokens)
    return _unique(units)


# Attributes that are text a reader sees, not structure: each is a unit of its container.
TEXT_ATTRIBUTES = {("handout", "title"): "handout", ("activity", "materials"): "activity"}


def _attribute_units(tokens: list[Token]) -> list[Unit]:
    """Handout titles and activity materials are attributes, but printed: they are units too."""
    units = []
    for token, key, category in _text_attributes(tokens):
        attrs = token.meta["attrs"]
        units.append(Unit(attrs.id, attrs.values[key], category, token.map[0] + 1 if token.map else 0))
    return units


def _text_attributes(tokens: list[Token]) -> Iterator[tuple[Token, str, str]]:
    for token in tokens:
        if token.type != CONTAINER + "_open":
            continue
        for (kind, key), category in TEXT_ATTRIBUTES.items():
            if token.meta.get("kind") == kind and token.meta["attrs"].values.get(key):
                yield token, key, category


def _unique(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for unit in units:
        if (unit.context, unit.source) not in seen:
            seen.add((unit.context, unit.source))
            kept.append(unit)
    return kept


# -- checking a translated unit -------------------------------------------------------------
_LINK_TARGET = re.compile(r"\]\(([^)\s]*)")
_GAP = re.compile(r"\[\[(.*?)\]\]")


def unit_problem(source: str, translated: str) -> str | None:
    """Why a translation cannot be used in place of its source, or None when it can."""
    if _LINK_TARGET.findall(source) != _LINK_TARGET.findall(translated):
        return "link targets differ from the source; translate the link text only"
    source_gaps, translated_gaps = _GAP.findall(source), _GAP.findall(translated)
    if len(source_gaps) != len(translated_gaps):
        return f"the source has {len(source_gaps)} answer gap(s) [[...]], the translation {len(translated_gaps)}"
    for original, new in zip(source_gaps, translated_gaps):
        if original.strip().startswith("#") and original.strip() != new.strip():
            return f"numeric gap [[{original}]] must stay exactly as in the source"
    if "->" in source and "->" not in translated:
        return "a match item keeps its '->' between term and match"
    return None


# -- PO catalogues --------------------------------------------------------------------------
def catalogue_path(block_path: Path, lang: str) -> Path:
    return block_path.parent / LOCALES / f"{lang}.po"


def load_translation(block_path: Path, lang: str, units: list[Unit]) -> Translation:
    """Usable translations for `units`: present, not fuzzy, and keeping the source's structure."""
    result = Translation(lang)
    path = catalogue_path(block_path, lang)
    entries: dict[tuple[str, str], polib.POEntry] = {}
    if path.is_file():
        catalogue = polib.pofile(str(path), wrapwidth=0)
        entries = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
        result.status = catalogue.metadata.get(STATUS_HEADER, "draft")
    for unit in units:
        entry = entries.get((unit.context, unit.source))
        if entry is None or not entry.msgstr or entry.fuzzy or unit_problem(unit.source, entry.msgstr):
            result.missing.append(unit)
        else:
            result.texts[(unit.context, unit.source)] = entry.msgstr
            result.used.append(unit)
    return result


def _header(catalogue: polib.POFile, block_id: str, version: int, source_lang: str, lang: str) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    catalogue.metadata.setdefault("POT-Creation-Date", now)
    catalogue.metadata.setdefault("Language-Team", "draft translation, awaiting review by a native-speaking subject expert")
    catalogue.metadata.setdefault(STATUS_HEADER, "draft")
    catalogue.metadata.update({
        "Project-Id-Version": f"{block_id} {version}",
        "PO-Revision-Date": catalogue.metadata.get("PO-Revision-Date", now),
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Coursepack-Block": block_id,
        "X-Coursepack-Block-Version": str(version),
        "X-Coursepack-Source-Language": source_lang,
    })


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    kept: int
    fuzzy: int
    new: int
    obsolete: int


def update_catalogue(block: Block, units: list[Unit], lang: str, minor: bool = False) -> UpdateResult:
    """Merge the block's current units into its catalogue for `lang` (SPEC 7, `translate update`).

    Unchanged units keep their translation; a changed unit keeps the old translation marked fuzzy
    with the previous source (`#| msgid`), or unmarked with `minor`; new units are empty;
    removed ones become obsolete.
    """
    path = catalogue_path(block.path, lang)
    catalogue = polib.pofile(str(path), wrapwidth=0) if path.is_file() else polib.POFile(wrapwidth=0)
    old = [e for e in catalogue if not e.obsolete]
    already_obsolete = [e for e in catalogue if e.obsolete]
    by_key = {(e.msgctxt or "", e.msgid): e for e in old}
    current = {(u.context, u.source) for u in units}
    leftovers = [e for e in old if (e.msgctxt or "", e.msgid) not in current]
    fresh = polib.POFile(wrapwidth=0)
    fresh.header = f"{block.title}: {lang} translation of a coursepack block. Update with 'coursepack translate update'."
    fresh.metadata = dict(catalogue.metadata)
    _header(fresh, block.id, block.version, block.lang, lang)
    kept = fuzzy = new = 0
    for unit in units:
        entry = by_key.get((unit.context, unit.source))
        if entry is None:
            entry = _carry_over(unit, leftovers, minor)
            if entry is None:
                new += 1
            elif entry.fuzzy:
                fuzzy += 1
            else:
                kept += 1
        else:
            kept += 1
        fresh.append(_entry(unit, entry))
    for entry in leftovers:
        if entry.msgstr:
            entry.obsolete = True
            fresh.append(entry)
    for entry in already_obsolete:
        if (entry.msgctxt or "", entry.msgid) not in current:
            fresh.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh.save(str(path))
    return UpdateResult(path, kept, fuzzy, new, sum(1 for e in leftovers if e.msgstr))


def _carry_over(unit: Unit, leftovers: list[polib.POEntry], minor: bool) -> polib.POEntry | None:
    """The old entry this unit most likely replaces: same context, similar enough text."""
    candidates = [e for e in leftovers if (e.msgctxt or "") == unit.context and e.msgstr]
    best = max(candidates, key=lambda e: difflib.SequenceMatcher(None, e.msgid, unit.source).ratio(), default=None)
    if best is None or difflib.SequenceMatcher(None, best.msgid, unit.source).ratio() < SIMILAR_ENOUGH:
        return None
    leftovers.remove(best)
    carried = polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=best.msgstr)
    if not minor:
        carried.flags.append("fuzzy")
        carried.previous_msgid = best.msgid
    elif best.fuzzy:
        carried.flags.append("fuzzy")
        carried.previous_msgid = best.previous_msgid
    return carried


def _entry(unit: Unit, existing: polib.POEntry | None) -> polib.POEntry:
    entry = polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=existing.msgstr if existing else "")
    if existing is not None:
        entry.flags = list(existing.flags)
        entry.previous_msgid = existing.previous_msgid
        entry.tcomment = existing.tcomment
    entry.comment = unit.comment
    entry.occurrences = [("block.md", str(unit.line))]
    return entry


@dataclass(frozen=True)
class Status:
    block_id: str
    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    invalid: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated + self.invalid

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated == self.total

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def as_dict(self) -> dict[str, object]:
        return {"block": self.block_id, "lang": self.lang, "translated": self.translated, "fuzzy": self.fuzzy,
                "untranslated": self.untranslated, "invalid": self.invalid, "total": self.total,
                "percent": round(self.percent, 1)}


def catalogue_status(block: Block, units: list[Unit], lang: str) -> Status:
    """Counts for `translate status` and `translate check`, against the block's current units."""
    path = catalogue_path(block.path, lang)
    entries = {}
    if path.is_file():
        entries = {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(path), wrapwidth=0) if not e.obsolete}
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "invalid": 0}
    for unit in units:
        entry = entries.get((unit.context, unit.source))
        if entry is None or not entry.msgstr:
            counts["untranslated"] += 1
        elif entry.fuzzy:
            counts["fuzzy"] += 1
        elif unit_problem(unit.source, entry.msgstr):
            counts["invalid"] += 1
        else:
            counts["translated"] += 1
    return Status(block.id, lang, **counts)


Translate = Callable[[str, str], str | None]


def translator(translation: Translation) -> Translate:
    return lambda context, source: translation.texts.get((context, source))


def translate_front_matter(values: dict, translate: Translate) -> dict:
    """Front matter with its translatable fields replaced where a translation exists."""
    from blocks.model import Outcome

    def text(source: str) -> str:
        return translate(FRONT_MATTER, source) or source

    result = dict(values)
    for key in TRANSLATABLE_FIELDS:
        if values.get(key):
            result[key] = text(values[key])
    for key in TRANSLATABLE_LISTS:
        if key in values:
            result[key] = tuple(text(item) for item in values[key])
    result["outcomes"] = tuple(Outcome(o.id, text(o.text)) for o in values.get("outcomes", ()))
    return result


def apply_to_tokens(md: MarkdownIt, tokens: list[Token], translate: Translate, source_lang: str) -> None:
    """Substitute translated units into a parsed source, marking fallbacks with the source lang."""
    for token, key, _category in _text_attributes(tokens):
        attrs = token.meta["attrs"]
        attrs.values[key] = translate(attrs.id, attrs.values[key]) or attrs.values[key]
    opener_of = _openers(tokens)
    for token, context, _category, _comment in walk_units(tokens):
        translated = translate(context, token.content)
        opener = opener_of.get(id(token))
        if translated is None:
            if opener is not None:
                opener.attrSet("lang", source_lang)
                opener.attrJoin("class", "untranslated")
            continue
        token.content = translated
        token.children = []
        md.inline.parse(translated, md, {}, token.children)


def _openers(tokens: list[Token]) -> dict[int, Token]:
    """For each inline token, the block-level token that will carry a fallback's lang mark."""
    openers: dict[int, Token] = {}
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0:
            continue
        before = tokens[index - 1]
        if before.type == "paragraph_open" and index > 1 and tokens[index - 2].type == "list_item_open" and before.hidden:
            openers[id(token)] = tokens[index - 2]
        elif before.nesting == 1:
            openers[id(token)] = before
    return openers


def translated_block(block: Block, lang: str, report: Report | None = None) -> tuple[Block, Translation]:
    """The block in `lang`, unit by unit, falling back to the source for what is missing."""
    from blocks.build import BlockBuilder

    text = block.path.read_text(encoding="utf-8")
    units = extract_units(text, block.path)
    translation = load_translation(block.path, lang, units)
    built = BlockBuilder(block.path, report or Report()).build(text, translation=translation)
    assert built is not None, "the source block built before, so its translation builds too"
    return built, translation
