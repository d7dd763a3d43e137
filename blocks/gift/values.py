"""GIFT questions as values: what Moodle reads from a GIFT file, before any of our types."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

# Where a missing word's answers stood in the stem ("Grant is {...} in Grant's tomb"): a private-use
# character, which no format conversion escapes or drops.
BLANK = "\ue000"
FORMATS = ("moodle", "html", "plain", "markdown")


def percent(weight: float) -> str:
    """A weight as GIFT writes it between % signs: 50, 33.33333, -100."""
    return f"{weight * 100:.5f}".rstrip("0").rstrip(".")


class Kind(StrEnum):
    """Moodle's question types that GIFT writes (ordering: Moodle's qtype_ordering, `{>...}`)."""

    DESCRIPTION = "description"
    ESSAY = "essay"
    TRUEFALSE = "truefalse"
    MULTICHOICE = "multichoice"
    SHORTANSWER = "shortanswer"
    NUMERICAL = "numerical"
    MATCH = "match"
    ORDERING = "ordering"


@dataclass(frozen=True)
class Text:
    """A text of a question and the format it is written in ([moodle], [html], [plain], [markdown])."""

    text: str
    format: str = "moodle"

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class Answer:
    """One answer of a multiple-choice or short-answer question; weight 1.0 is full marks."""

    text: Text
    weight: float
    feedback: Text = Text("")


@dataclass(frozen=True)
class Number:
    """One numerical answer, `low..high`; a catch-all wrong answer (`~#feedback`) has neither."""

    low: Decimal | None
    high: Decimal | None
    weight: float = 1.0
    feedback: Text = Text("")

    @property
    def catch_all(self) -> bool:
        return self.low is None


@dataclass(frozen=True)
class Pair:
    """`=term -> match`; a distractor has an empty term."""

    term: Text
    match: str


@dataclass(frozen=True)
class Question:
    """One GIFT question. A missing-word stem holds BLANK where its answers stood."""

    kind: Kind
    stem: Text
    line: int = 0
    title: str = ""
    ident: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    general_feedback: Text = Text("")
    single: bool = True  # multichoice: one right answer ('=' present), else several
    answers: tuple[Answer, ...] = ()
    numbers: tuple[Number, ...] = ()
    pairs: tuple[Pair, ...] = ()
    items: tuple[Text, ...] = ()  # ordering, in the right order
    header: str = ""  # ordering: what follows `{`, like `>3 ALL VERTICAL ALL_OR_NOTHING`
    truth: bool = True  # truefalse: the right answer
    true_feedback: Text = Text("")  # shown when the learner answers true
    false_feedback: Text = Text("")

    @property
    def label(self) -> str:
        """How reports name the question: its title, or the start of its stem."""
        return self.title or " ".join(self.stem.text.replace(BLANK, "_____").split())[:60] or "(no title)"


@dataclass(frozen=True)
class Problem:
    """A question that could not be read (line of the file, title, what is wrong)."""

    line: int
    title: str
    message: str


@dataclass(frozen=True)
class Parsed:
    """A GIFT file: its questions in order, each with its category, and what could not be read."""

    questions: tuple[Question, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
