"""Blocks -> a GIFT file: every quiz question, one `$CATEGORY` per block and quiz, each question
with `[id:...]` carrying its stable id, so that Moodle updates a re-imported question instead of
adding a copy. Each type's module says how it is written (`to_gift` in `blocks.qtypes`); what
GIFT cannot hold is reported per block and question, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from blocks.gift import values as gift
from blocks.gift.text import as_html
from blocks.gift.writing import write_file
from blocks.html import plain_text
from blocks.model import Block, Question, Quiz
from blocks.qtypes import kind

TITLE_LENGTH = 60  # characters of the stem that name a question in Moodle's question bank


@dataclass(frozen=True)
class ExportNote:
    """What GIFT could not hold of one question (or why it was left out)."""

    block: str
    question: str
    message: str

    def __str__(self) -> str:
        return f"{self.block}#{self.question}: {self.message}"


@dataclass(frozen=True)
class ExportResult:
    text: str
    notes: tuple[ExportNote, ...]
    exported: int
    skipped: int


@dataclass
class _Notes:
    """What one question's conversion tells (blocks.qtypes.base.GiftNotes)."""

    lang: str
    block: str
    question: str
    found: list[ExportNote]

    def lossy(self, message: str) -> None:
        self.found.append(ExportNote(self.block, self.question, message))


def export_gift(blocks: Sequence[Block], course_title: str = "") -> ExportResult:
    """The GIFT file of the quiz questions of `blocks`, and what it could not hold."""
    notes: list[ExportNote] = []
    questions: list[gift.Question] = []
    skipped = 0
    for block in blocks:
        for quiz in block.quizzes:
            if quiz.intro_html.strip():  # as Moodle's description: the import makes it the quiz's introduction again
                intro = as_html(quiz.intro_html)
                questions.append(gift.Question(gift.Kind.DESCRIPTION, intro, ident=f"{quiz.id}-introduction", title=_title(intro),
                                               category=category(course_title, block, quiz)))
            for question in quiz.questions:
                written = _question(block, quiz, question, course_title, notes)
                if written is None:
                    skipped += 1
                else:
                    questions.append(written)
    asked = sum(q.kind != gift.Kind.DESCRIPTION for q in questions)
    return ExportResult(write_file(questions) if asked else "", tuple(notes), asked, skipped)


def _question(block: Block, quiz: Quiz, question: Question, course_title: str, notes: list[ExportNote]) -> gift.Question | None:
    found = _Notes(block.lang, block.id, question.id, notes)
    written = kind(question).to_gift(question, found)
    if written is None:
        return None
    if question.hints:
        found.lossy(f"{len(question.hints)} hint(s) left out: GIFT has no hints")
    if question.points != 1:
        found.lossy(f"worth {question.points} points: GIFT has no marks per question; set the question's default mark in Moodle")
    return replace(written, ident=question.id, title=_title(written.stem), category=category(course_title, block, quiz),
                   general_feedback=as_html(question.explanation_html) if question.explanation_html else gift.Text(""))


def category(course_title: str, block: Block, quiz: Quiz) -> str:
    """`$course$/top/<course>/<block>/<quiz>`; a / inside a name is doubled, as Moodle writes it."""
    levels = [name.replace("/", "//") for name in (course_title, block.title, quiz.id) if name]
    return "/".join(["$course$", "top", *levels])


def _title(stem: gift.Text) -> str:
    """The start of the stem, as Moodle names a question that has no name."""
    text = " ".join(plain_text(stem.text.replace(gift.BLANK, "_____")).split())
    return text if len(text) <= TITLE_LENGTH else text[:TITLE_LENGTH - 1].rstrip() + "…"
