"""PO catalogues (SPEC section 7): one per block and language, and one per course for its own
texts (title, summary, audience); read, merged, counted.

`coursepack translate update` merges a block's current units into its catalogue (unchanged units
keep their translation, changed ones go fuzzy with the previous source, removed ones obsolete);
`status` and `check` count them; the player and the exporter read the usable translations.
"""

from __future__ import annotations

import difflib
import math
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import polib
from babel import UnknownLocaleError
from babel.messages.plurals import get_plural

from blocks.l10n import STATUS_HEADER, Translation, Unit
from blocks.model import Report

LOCALES = "locales"


class Catalogued(Protocol):
    """What has catalogues: a block (block.md) or a course (course.yaml)."""

    id: str
    title: str
    lang: str
    version: int

    @property
    def source(self) -> Path: ...
NO_CATALOGUE = "none"  # the review state of a catalogue not yet created
SIMILAR_ENOUGH = 0.5  # below this, a changed unit is treated as removed plus new, not as fuzzy


def catalogue_path(block_path: Path, lang: str) -> Path:
    return block_path.parent / LOCALES / f"{lang}.po"


class CatalogueError(ValueError):
    """A PO catalogue that cannot be read as it stands: where, and how to mend it."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path, self.line, self.problem = path, line, problem


_MEND = "each text is in double quotes on its line, a quote inside it written \\\"; mend the line or take the file back from version control"


def read_catalogue(path: Path) -> polib.POFile:
    """A catalogue as polib reads it, refused (CatalogueError) where polib would stop or, worse,
    read on: a text whose closing quote is missing would lose its last letter when rewritten."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise CatalogueError(path, line, "the file is not UTF-8: save it as UTF-8 (its header saying charset=UTF-8)") from None
    if unclosed := _unclosed_line(text):
        raise CatalogueError(path, unclosed, f"this line's text is not closed: {_MEND}")
    try:
        catalogue = polib.pofile(text, wrapwidth=0, encoding="utf-8")
    except (OSError, ValueError) as error:  # polib: "Syntax error in po file <path> (line N)"
        found = re.search(r"\(line (\d+)\)", str(error))
        raise CatalogueError(path, int(found[1]) if found else 1, f"this line cannot be read as part of a PO catalogue: {_MEND}") from None
    seen: dict[tuple[str, str], int] = {}
    for entry in catalogue:
        key = (entry.msgctxt or "", entry.msgid)
        if not entry.obsolete and key in seen:
            raise CatalogueError(path, entry.linenum, f"this text is also translated at line {seen[key]}, and only one of the two could count: keep one")
        seen[key] = entry.linenum
    return catalogue


def _unclosed_line(text: str) -> int:
    """The first line that opens a quoted text and ends before closing it (0: none). String
    methods, not a pattern per line: the player checks every catalogue when content loads."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.rstrip()
        if '"' not in line or (line[0] == "#" and not line.startswith("#~")):
            continue
        body = line[:-1]
        if not line.endswith('"') or line.index('"') == len(line) - 1 or (len(body) - len(body.rstrip("\\"))) % 2:
            return number  # no closing quote, a lone opening one, or the last quote escaped
    return 0


def check_catalogues(source: Path, report: Report) -> None:
    """Every catalogue beside `source` (a block, course.yaml, a country note) can be read, and
    says draft or reviewed."""
    for path in sorted((source.parent / LOCALES).glob("*.po")):
        try:
            catalogue = read_catalogue(path)
        except CatalogueError as error:
            report.error(error.path, error.line, "unreadable-catalogue", error.problem)
            continue
        stated = catalogue.metadata.get(STATUS_HEADER)
        if stated is not None and stated not in REVIEW_STATES:
            line = next((n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if STATUS_HEADER in text), 1)
            report.error(path, line, "bad-translation-status",
                         f"{STATUS_HEADER} is {stated!r}; write 'draft', or 'reviewed' once a native-speaking expert has "
                         "reviewed it (until then learners are told it is a draft)")


REVIEW_STATES = ("draft", "reviewed")


def review_status(catalogue: polib.POFile) -> str:
    """"reviewed" only when the catalogue says so exactly; anything else is a draft."""
    return "reviewed" if catalogue.metadata.get(STATUS_HEADER) == "reviewed" else "draft"


def load_translation(block_path: Path, lang: str, units: list[Unit]) -> Translation:
    """Usable translations for `units`: present, not fuzzy, and keeping the source's structure."""
    result = Translation(lang)
    path = catalogue_path(block_path, lang)
    entries: dict[tuple[str, str], polib.POEntry] = {}
    if path.is_file():
        catalogue = read_catalogue(path)
        entries = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
        result.status = review_status(catalogue)
    for unit in units:
        entry = entries.get((unit.context, unit.source))
        if entry is None or not entry.msgstr or entry.fuzzy or unit.problem(entry.msgstr):
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
    with suppress(ValueError, UnknownLocaleError):  # a PO editor (Poedit) asks for it when it is missing
        catalogue.metadata.setdefault("Plural-Forms", str(get_plural(lang.replace("-", "_"))))
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


def update_catalogue(block: Catalogued, units: list[Unit], lang: str, minor: bool = False) -> UpdateResult:
    """Merge the current units of a block (or course) into its catalogue for `lang` (SPEC 7,
    `translate update`).

    Unchanged units keep their translation; a changed unit keeps the old translation marked fuzzy
    with the previous source (`#| msgid`), or unmarked with `minor`; a unit moved to another
    section or container keeps it marked fuzzy with the previous context (`#| msgctxt`); a unit
    that comes back takes its obsolete entry's translation again; new units are empty; removed
    ones become obsolete.
    """
    path = catalogue_path(block.source, lang)
    catalogue = read_catalogue(path) if path.is_file() else polib.POFile(wrapwidth=0)
    old = [e for e in catalogue if not e.obsolete]
    already_obsolete = [e for e in catalogue if e.obsolete]
    by_key = {(e.msgctxt or "", e.msgid): e for e in old}
    came_back = {(e.msgctxt or "", e.msgid): e for e in already_obsolete if e.msgstr}
    current = {(u.context, u.source) for u in units}
    leftovers = [e for e in old if (e.msgctxt or "", e.msgid) not in current]
    fresh = polib.POFile(wrapwidth=0)
    fresh.header = catalogue.header or f"{block.title}: {lang} translation for coursepack. Update with 'coursepack translate update'."
    fresh.metadata = dict(catalogue.metadata)
    _header(fresh, block.id, block.version, block.lang, lang)
    kept = fuzzy = new = 0
    for unit in units:
        entry = by_key.get((unit.context, unit.source)) or came_back.get((unit.context, unit.source))
        if entry is None:
            entry = _carry_over(unit, leftovers, minor) or _moved(unit, leftovers, already_obsolete)
            if entry is None:
                new += 1
            elif entry.fuzzy:
                fuzzy += 1
            else:
                kept += 1
        else:
            kept += 1
        fresh.append(_entry(unit, entry, block.source.name))
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


def _moved(unit: Unit, leftovers: list[polib.POEntry], obsolete: list[polib.POEntry]) -> polib.POEntry | None:
    """The same text translated under another context: a paragraph moved to another section."""
    same = next((e for e in [*leftovers, *obsolete] if e.msgid == unit.source and e.msgstr), None)
    if same is None:
        return None
    (leftovers if same in leftovers else obsolete).remove(same)  # moved, not removed
    carried = polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=same.msgstr, flags=["fuzzy"])
    carried.previous_msgctxt = same.msgctxt
    return carried


def _entry(unit: Unit, existing: polib.POEntry | None, source_name: str) -> polib.POEntry:
    entry = polib.POEntry(msgctxt=unit.context, msgid=unit.source, msgstr=existing.msgstr if existing else "")
    if existing is not None:
        entry.flags = list(existing.flags)
        entry.previous_msgid = existing.previous_msgid
        entry.previous_msgctxt = existing.previous_msgctxt
        entry.tcomment = existing.tcomment
    entry.comment = unit.comment
    entry.occurrences = [(source_name, str(unit.line))]
    return entry


@dataclass(frozen=True)
class Status:
    """How far one catalogue is: its units counted, and its review state from the header."""

    block_id: str
    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    invalid: int
    review: str = NO_CATALOGUE  # "draft" or "reviewed" (the STATUS_HEADER), or NO_CATALOGUE
    problems: tuple[str, ...] = ()  # each invalid unit: "<catalogue>:<line>: <unit's context>: <why>"
    left: tuple[str, ...] = ()  # each fuzzy or untranslated unit: "<catalogue>:<line>: <context>: fuzzy|untranslated"

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated + self.invalid

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated == self.total

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def percent_shown(self, decimals: int = 0) -> float:
        """The percent rounded down, so that one fuzzy unit in 400 reads 99%, never "done 100%"."""
        scale = 10 ** decimals
        return math.floor(self.percent * scale) / scale

    @property
    def draft(self) -> bool:
        return self.review == "draft"

    def as_dict(self) -> dict[str, object]:
        return {"block": self.block_id, "lang": self.lang, "translated": self.translated, "fuzzy": self.fuzzy,
                "untranslated": self.untranslated, "invalid": self.invalid, "total": self.total,
                "percent": self.percent_shown(1), "complete": self.complete, "review": self.review}


def catalogue_status(block: Catalogued, units: list[Unit], lang: str) -> Status:
    """Counts for `translate status` and `translate check`, against the current units."""
    path = catalogue_path(block.source, lang)
    entries = {}
    review = NO_CATALOGUE
    if path.is_file():
        catalogue = read_catalogue(path)
        entries = {(e.msgctxt or "", e.msgid): e for e in catalogue if not e.obsolete}
        review = review_status(catalogue)
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "invalid": 0}
    problems, left = [], []
    for unit in units:
        entry = entries.get((unit.context, unit.source))
        if entry is None or not entry.msgstr:
            counts["untranslated"] += 1
            where = f"{path}:{entry.linenum}" if entry is not None else f"{path} (run translate update)"
            left.append(f"{where}: {unit.context}: untranslated")
        elif entry.fuzzy:
            counts["fuzzy"] += 1
            left.append(f"{path}:{entry.linenum}: {unit.context}: fuzzy")
        elif problem := unit.problem(entry.msgstr):
            counts["invalid"] += 1
            problems.append(f"{path}:{entry.linenum}: {unit.context}: {problem}")
        else:
            counts["translated"] += 1
    return Status(block.id, lang, **counts, review=review, problems=tuple(problems), left=tuple(left))
