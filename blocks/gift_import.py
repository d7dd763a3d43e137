"""A GIFT file -> the source of a block (`block.md`): one quiz per `$CATEGORY`, or one quiz.

Each GIFT question goes to the first of our types whose module takes it (`from_gift` in
`blocks.qtypes`); general feedback becomes the explanation. Whatever does not carry over is
reported with the GIFT line and question title, never dropped silently, and a question that
cannot be read or built is reported the same way while the rest of the file still imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from blocks.build import build_block
from blocks.gift import values as gift
from blocks.gift.syntax import parse
from blocks.gift.text import markdown
from blocks.model import Report
from blocks.qtypes import KINDS
from blocks.qtypes.base import Imported, NotImportable
from blocks.syntax.attributes import ID_PATTERN
from blocks.validate import check_block

_CATEGORY_LEVEL = re.compile(r"(?<!/)/(?!/)")  # Moodle writes a / inside a category name as //


@dataclass(frozen=True)
class Note:
    """Something of a GIFT question that did not carry over (lossy) or could not be read (error)."""

    line: int
    title: str
    message: str
    severity: str = "lossy"

    def __str__(self) -> str:
        return f"line {self.line}: {self.title}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    source: str  # the block.md
    notes: tuple[Note, ...]
    imported: int  # questions written

    @property
    def errors(self) -> list[Note]:
        return [note for note in self.notes if note.severity == "error"]


@dataclass
class _Notes:
    """What one question's conversion tells (blocks.qtypes.base.GiftNotes), bound to its line and title."""

    lang: str
    item: gift.Question
    found: list[Note]

    def lossy(self, message: str) -> None:
        self.found.append(Note(self.item.line, self.item.label, message))


@dataclass
class _Written:
    """A question as block source, with the GIFT question it came from."""

    item: gift.Question
    ident: str
    source: str


@dataclass
class _Quiz:
    name: str  # the category's last level
    parent: str = ""  # the level above it: a block's title when we exported it
    intro: list[str] = field(default_factory=list)
    questions: list[_Written] = field(default_factory=list)


def import_gift(text: str, *, lang: str = "en", block_id: str = "imported", name: str = "questions.txt") -> ImportResult:
    """The block source of a GIFT file's questions, and what did not carry over."""
    parsed = parse(text)
    notes = [Note(p.line, p.title, p.message, "error") for p in parsed.problems]
    quizzes = _quizzes(parsed.questions, lang, notes)
    source = _block_source(quizzes, lang, block_id, name)
    source = _without_unbuildable(source, quizzes, lang, block_id, name, notes)
    count = sum(len(quiz.questions) for quiz in quizzes)
    return ImportResult(source, tuple(sorted(notes, key=lambda n: n.line)), count)


def _quizzes(items: tuple[gift.Question, ...], lang: str, notes: list[Note]) -> list[_Quiz]:
    """The questions by category, each written as the first type that takes it."""
    quizzes: dict[str, _Quiz] = {}
    used: set[str] = set()
    for item in items:
        quiz = quizzes.setdefault(item.category, _Quiz(*_category_names(item.category)))
        found = _Notes(lang, item, notes)
        if item.kind == gift.Kind.DESCRIPTION:
            found.lossy("a description is not a question: its text is shown at the top of the quiz")
            quiz.intro.append(markdown(item.stem))
            continue
        written = _convert(item, found, notes)
        if written is None:
            continue
        ident = _question_id(item, used, found)
        if item.tags:
            found.lossy(f"tags are not kept: {', '.join(item.tags)}")
        quiz.questions.append(_Written(item, ident, _question_source(ident, written, item)))
    return list(quizzes.values())


def _convert(item: gift.Question, found: _Notes, notes: list[Note]) -> Imported | None:
    for kind in KINDS.values():
        try:
            written = kind.from_gift(item, found)
        except NotImportable as exc:
            notes.append(Note(item.line, item.label, f"not imported: {exc}", "error"))
            return None
        if written is not None:
            return written
    notes.append(Note(item.line, item.label, f"not imported: no question type here takes a GIFT {item.kind}", "error"))
    return None


def _question_source(ident: str, written: Imported, item: gift.Question) -> str:
    attributes = " ".join(f"{key}={value}" for key, value in written.attributes.items())
    parts = [f"::::question {{#{ident} {attributes}}}", written.body.strip()]
    if item.general_feedback:
        parts += ["", ":::explanation", markdown(item.general_feedback), ":::"]
    return "\n".join(parts + ["::::"])


def _question_id(item: gift.Question, used: set[str], found: _Notes) -> str:
    """The GIFT `[id:...]` when it is one of ours, else one made from the title."""
    ident = item.ident
    if ident and not ID_PATTERN.match(ident):
        found.lossy(f"the id {ident!r} is not of the form [a-z0-9][a-z0-9-]*: a new one is made")
        ident = ""
    ident = ident or slug(item.title) or "q"
    base, number = ident, 2
    while ident in used:
        ident, number = f"{base}-{number}", number + 1
    used.add(ident)
    return ident


def slug(text: str) -> str:
    """An id from a title: ASCII letters and digits joined by hyphens ('' when none are left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))[:40].strip("-")


def _category_names(category: str) -> tuple[str, str]:
    """The last level of a category and the one above it (`$course$/top/<block>/<quiz>`)."""
    levels = [level.replace("//", "/").strip() for level in _CATEGORY_LEVEL.split(category)]
    levels = [level for level in levels if level and level not in ("$course$", "top")]
    return (levels[-1] if levels else "", levels[-2] if len(levels) > 1 else "")


def _block_source(quizzes: list[_Quiz], lang: str, block_id: str, name: str) -> str:
    """Front matter, then one section with one quiz per category."""
    count = sum(len(quiz.questions) for quiz in quizzes)
    title = next((q.parent for q in quizzes if q.parent), "") or next((q.name for q in quizzes if q.name), "") or Path(name).stem
    front = {"id": block_id, "title": title, "lang": lang, "version": 1, "duration": max(1, min(10, count)),
             "summary": f"Questions imported from {Path(name).name}.", "outcomes": []}
    parts = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    used = {written.ident for quiz in quizzes for written in quiz.questions}  # ids share one namespace
    for number, quiz in enumerate(q for q in quizzes if q.questions):
        section, quiz_id = _quiz_ids(slug(quiz.name) or f"quiz-{number + 1}", used)
        parts += [f"## {quiz.name or title} {{#{section}}}", "", f":::::quiz {{#{quiz_id} kind=check}}"]
        parts += [paragraph + "\n" for paragraph in quiz.intro]
        parts += [written.source + "\n" for written in quiz.questions]
        parts += [":::::", ""]
    return "\n".join(parts)


def _quiz_ids(name: str, used: set[str]) -> tuple[str, str]:
    """A section's and its quiz's ids: `name` and `name-quiz`, or `name` itself when it ends in quiz
    (as the quizzes we export are named), so a re-import names them as the first import did."""
    base = name.removesuffix("quiz").rstrip("-") if name.endswith("quiz") else name
    section, number = base or "questions", 2
    while section in used or f"{section}-quiz" in used:
        section, number = f"{base or 'questions'}-{number}", number + 1
    quiz_id = name if name.endswith("quiz") and section == (base or "questions") else f"{section}-quiz"
    used.update((section, quiz_id))
    return section, quiz_id


def _without_unbuildable(source: str, quizzes: list[_Quiz], lang: str, block_id: str, name: str, notes: list[Note]) -> str:
    """Build the block; a question our rules refuse is reported by its GIFT line and left out."""
    for _ in range(3):
        report = Report()
        block = build_block(source, Path(name), report)
        if block is not None:
            check_block(block, report)
        refused = _refused(source, quizzes, report)
        if not refused:
            return source
        for quiz in quizzes:
            for written in [w for w in quiz.questions if w.ident in refused]:
                notes.append(Note(written.item.line, written.item.label, f"not imported: {refused[written.ident]}", "error"))
                quiz.questions.remove(written)
        source = _block_source(quizzes, lang, block_id, name)
    return source


def _refused(source: str, quizzes: list[_Quiz], report: Report) -> dict[str, str]:
    """The questions that hold a validation error, by id, with the error."""
    starts = {f"::::question {{#{w.ident} ": w.ident for quiz in quizzes for w in quiz.questions}
    owner_of: dict[int, str] = {}
    current = ""
    for number, line in enumerate(source.splitlines(), start=1):
        current = next((ident for start, ident in starts.items() if line.startswith(start)), current if not line.startswith(("## ", ":::::")) else "")
        owner_of[number] = current
    refused: dict[str, str] = {}
    for diagnostic in report.errors:
        owner = owner_of.get(diagnostic.line, "")
        if owner:
            refused.setdefault(owner, f"{diagnostic.code}: {diagnostic.message}")
    return refused
