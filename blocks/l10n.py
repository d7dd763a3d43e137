"""Localisation of blocks (SPEC section 7): translation units, their checks, and fallback.

A unit is one inline run of the source (heading, paragraph, list item, table cell, question
stem, option, feedback, hint, explanation, facilitator paragraph, activity title, handout text),
a printed attribute (handout title, activity materials) or a translatable front matter field.
Its `msgctxt` is the id of the nearest enclosing section or container; its `msgid` is the
source text. Ids, structural attributes, answer marks and minutes are not inside any unit, and
a run with no letter (a number alone, a dotted blank) is not a unit, so a translator cannot
change them. A translated unit must also keep the source's link targets, numeric gaps, text-gap
count and match arrows, have gaps a learner can answer, and add no markup that would show as
stray characters, or it is refused (`unit_problem`); a country note's units keep their numbers.

The catalogues themselves (PO files: reading, merging, counting) are `blocks.catalogues`. A
translated block is assembled by substituting units into the source's own token stream and
building it with the same builder (`blocks.build.translated_block`): structure always comes from
the source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from blocks.model import Outcome, Report
from blocks.parser import shared_parser
from blocks.source import parse_source
from blocks.syntax.containers import CONTAINER
from blocks.syntax.gaps import parse_gap

FRONT_MATTER = "front-matter"
INTRODUCTION = "introduction"
TRANSLATABLE_FIELDS = ("title", "summary", "content_note", "attribution")
TRANSLATABLE_LISTS = ("audience", "materials")
VERIFY = "[verify]"  # marks a fact of a country note to check locally (blocks.country); kept in translation


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a block's source."""

    context: str
    source: str
    category: str  # content, activity, facilitator, handout, quiz, survey, front-matter
    line: int
    comment: str = ""
    # A country note's facts: its numbers (phone numbers, dates, articles of a law) stay exactly as
    # the source has them. A block's prose may say "10" as "ten" and "4 pm" as "16:00".
    keeps_numbers: bool = False

    def problem(self, translated: str) -> str | None:
        """Why `translated` cannot stand in for this unit, or None when it can."""
        return unit_problem(self.source, translated, keep_numbers=self.keeps_numbers)


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
        elif token.type == "inline" and _has_words(token.content):
            context, category = stack[-1] if stack else (section, "content")
            yield token, context, category, comment
            comment = ""


def _has_words(text: str) -> bool:
    """A run with a letter in it: one of only numbers, signs or a dotted blank is never a unit."""
    return any(c.isalpha() for c in text)


COURSE = "course"  # the context of a course's own texts in its catalogue


def course_units(values: dict[str, Any], lines: dict[str, int]) -> list[Unit]:
    """The texts of a course.yaml a learner reads: title, summary and audience (context "course")."""
    units = [Unit(COURSE, str(values[key]).strip(), "course", lines.get(key, 1)) for key in ("title", "summary") if values.get(key)]
    units += [Unit(COURSE, str(item), "course", lines.get("audience", 1)) for item in values.get("audience") or ()]
    return _unique(units)


def front_matter_units(values: dict, line: int = 1) -> list[Unit]:
    units = [Unit(FRONT_MATTER, str(values[key]), "front-matter", line) for key in TRANSLATABLE_FIELDS if values.get(key)]
    units += [Unit(FRONT_MATTER, str(o.text), "front-matter", line) for o in values.get("outcomes", ())]
    for key in TRANSLATABLE_LISTS:
        units += [Unit(FRONT_MATTER, str(item), "front-matter", line) for item in values.get(key, ())]
    return units


def extract_units(text: str, path: Path, report: Report | None = None) -> list[Unit]:
    """The units of a block's source, in source order, each (context, source) once."""
    block_values, tokens = parse_source(text, path, report or Report(), shared_parser())
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
_DIGITS = re.compile(r"\d+")
_STRONG = re.compile(r"\*\*|__")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>")
_ATTRIBUTES = re.compile(r"\{[#.][\w-]")
_BLOCK_START = re.compile(r"^[ \t]*(?:#{1,6}\s|:::)|\n[ \t]*\n", re.M)


def unit_problem(source: str, translated: str, keep_numbers: bool = False) -> str | None:
    """Why a translation cannot be used in place of its source, or None when it can."""
    if _LINK_TARGET.findall(source) != _LINK_TARGET.findall(translated):
        return "link targets differ from the source; translate the link text only"
    source_gaps, translated_gaps = _GAP.findall(source), _GAP.findall(translated)
    if len(source_gaps) != len(translated_gaps):
        return f"the source has {len(source_gaps)} answer gap(s) [[...]], the translation {len(translated_gaps)}"
    for original, new in zip(source_gaps, translated_gaps):
        if problem := _gap_problem(original.strip(), new.strip()):
            return problem
    if "->" in source and "->" not in translated:
        return "a match item keeps its '->' between term and match"
    if source.count(VERIFY) != translated.count(VERIFY):
        return f"the source has {source.count(VERIFY)} {VERIFY} mark(s), the translation {translated.count(VERIFY)}; keep each one as it is"
    if keep_numbers and _numbers(source) != _numbers(translated):
        return (f"the numbers differ from the source ({_listed(source)} against {_listed(translated)}); "
                "numbers, phone numbers and dates stay as the source writes them")
    return _markup_problem(source, translated)


def _gap_problem(original: str, new: str) -> str | None:
    if original.startswith("#"):
        return None if original == new else f"numeric gap [[{original}]] must stay exactly as in the source"
    if new.startswith("#"):
        return f"gap [[{new}]]: the source's gap [[{original}]] takes words; keep it a gap of words"
    return str(parse_gap(new).get("problem") or "") or None


def _numbers(text: str) -> list[str]:
    """The runs of digits, in any script's digits, as Western digits; in order of size."""
    return sorted("".join(str(unicodedata.digit(c)) for c in run) for run in _DIGITS.findall(text))


def _listed(text: str) -> str:
    found = _DIGITS.findall(text)
    return ", ".join(found) if found else "none"


def _markup_problem(source: str, translated: str) -> str | None:
    """Markup a learner would see as stray characters: a unit is one inline run, so block syntax,
    attributes and raw HTML are shown as they are written, and an unpaired ** as two stars."""
    if len(_STRONG.findall(translated)) % 2 and not len(_STRONG.findall(source)) % 2:
        return "an ** or __ is left unpaired; close the emphasis or remove it"
    for pattern, what in ((_TAG, "HTML tags"), (_ATTRIBUTES, "{#id} or {.class} attributes"),
                          (_BLOCK_START, "a blank line, a heading (#) or a ::: fence")):
        if pattern.search(translated) and not pattern.search(source):
            return f"the translation adds {what}, which a unit cannot hold; keep to the source's markup"
    return None


Translate = Callable[[str, str], str | None]


def translator(translation: Translation) -> Translate:
    return lambda context, source: translation.texts.get((context, source))


def translate_front_matter(values: dict, translate: Translate) -> dict:
    """Front matter with its translatable fields replaced where a translation exists."""
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
