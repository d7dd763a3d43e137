"""The content model: what a course and its blocks are, as frozen values.

Everything here is built by `blocks.build` and `blocks.load` and read by the exporter and the
player. HTML fields hold sanitised HTML (see `blocks.html.sanitize`); plain-text fields hold
source text for places where markup makes no sense (titles, option values used in scoring).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Union

from blocks.wording import N_


class QuestionType(StrEnum):
    """The question types of SPEC section 5: the one list of them. What each one means lives in
    its module of `blocks.qtypes`."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    NUMERIC = "numeric"
    MATCH = "match"
    ORDER = "order"
    LIKERT = "likert"
    REFLECTION = "reflection"


class QuizKind(StrEnum):
    CHECK = "check"
    PRETEST = "pretest"
    POSTTEST = "posttest"


class Mode(StrEnum):
    INDIVIDUAL = "individual"
    PAIRS = "pairs"
    GROUPS = "groups"
    PLENARY = "plenary"


# How each way of working is named to trainers; marked for both catalogues (blocks.wording.N_).
MODE_NAMES: dict[Mode, str] = {
    # Translators: way of working in an activity: each participant alone.
    Mode.INDIVIDUAL: N_("individual"),
    # Translators: way of working in an activity: two participants together.
    Mode.PAIRS: N_("pairs"),
    # Translators: way of working in an activity: small groups of four to six.
    Mode.GROUPS: N_("groups"),
    # Translators: way of working in an activity: the whole group together, led by the trainer.
    Mode.PLENARY: N_("plenary"),
}

# Likert scales: id -> labels, lowest first. The stored answer is the 1-based position.
SCALES: dict[str, tuple[str, ...]] = {
    "agree5": (N_("Strongly disagree"), N_("Disagree"), N_("Neither agree nor disagree"), N_("Agree"), N_("Strongly agree")),
    "yesno": (N_("No"), N_("Yes")),
    # Translators: the learner's confidence, on a five-point scale from "Very low" to "Very high".
    "confidence5": (N_("Very low"), N_("Low"), N_("Moderate"), N_("High"), N_("Very high")),
}


@dataclass(frozen=True)
class Outcome:
    id: str
    text: str


@dataclass(frozen=True)
class Markup:
    """A run of ordinary Markdown content, rendered."""

    html: str
    line: int


@dataclass(frozen=True)
class Facilitator:
    """Trainer-only notes: printed in the trainer pack, never sent to a learner."""

    html: str
    line: int


@dataclass(frozen=True)
class Handout:
    id: str
    title: str
    html: str
    line: int


@dataclass(frozen=True)
class Activity:
    id: str
    minutes: int
    mode: Mode
    title: str
    materials: str
    body: tuple[Markup | Facilitator | Handout, ...]
    line: int

    @property
    def learner_html(self) -> str:
        return "".join(node.html for node in self.body if isinstance(node, Markup))

    @property
    def facilitator_html(self) -> str:
        return "".join(node.html for node in self.body if isinstance(node, Facilitator))


@dataclass(frozen=True)
class Option:
    """One choice of a single or multiple question."""

    html: str
    correct: bool
    feedback_html: str = ""


@dataclass(frozen=True)
class Gap:
    """One blank of a text or numeric question: accepted answers, or a numeric range."""

    accepted: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def numeric(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class Pair:
    term_html: str
    match_html: str
    match_text: str


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    stem_html: str
    line: int
    points: int = 1
    partial: bool = False
    options: tuple[Option, ...] = ()
    gaps: tuple[Gap, ...] = ()
    pairs: tuple[Pair, ...] = ()
    items: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    explanation_html: str = ""
    scale: str = ""
    share: str = ""


@dataclass(frozen=True)
class Quiz:
    id: str
    kind: QuizKind
    pass_mark: int
    attempts: int | None
    shuffle: bool
    intro_html: str
    questions: tuple[Question, ...]
    line: int

    @property
    def max_points(self) -> int:
        return sum(q.points for q in self.questions)


@dataclass(frozen=True)
class Survey:
    id: str
    intro_html: str
    questions: tuple[Question, ...]
    line: int


Node = Union[Markup, Facilitator, Handout, Activity, Quiz, Survey]


@dataclass(frozen=True)
class Link:
    """A link or image target in the source, kept so validation and export can check it."""

    url: str
    line: int
    image: bool


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: tuple[Node, ...]
    line: int

    def nodes(self, kind: type) -> list:
        """Every node of a type in this section, activities' children included."""
        found = []
        for node in self.body:
            if isinstance(node, kind):
                found.append(node)
            if isinstance(node, Activity):
                found.extend(child for child in node.body if isinstance(child, kind))
        return found


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    lang: str
    version: int
    duration: int
    summary: str
    outcomes: tuple[Outcome, ...]
    intro: tuple[Node, ...]
    sections: tuple[Section, ...]
    evaluation: Survey
    path: Path
    self_paced_minutes: int | None = None
    audience: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    content_note: str = ""
    prerequisites: tuple[str, ...] = ()
    pass_mark: int = 80
    authors: tuple[str, ...] = ()
    license: str = ""
    attribution: str = ""
    links: tuple[Link, ...] = ()
    source_lang: str = ""  # set on a translated block: the language it falls back to
    coverage: float = 1.0  # share of units translated, for a translated block
    translation_status: str = ""  # "draft" or "reviewed", from the catalogue's header

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def source(self) -> Path:
        """The file its PO catalogues translate (locales/ is beside it)."""
        return self.path

    def nodes(self, kind: type) -> list:
        """Every node of a type in the block's sections, in order."""
        return [node for section in self.sections for node in section.nodes(kind)]

    @property
    def activities(self) -> list[Activity]:
        return self.nodes(Activity)

    @property
    def quizzes(self) -> list[Quiz]:
        return self.nodes(Quiz)

    @property
    def surveys(self) -> list[Survey]:
        return self.nodes(Survey)

    @property
    def handouts(self) -> list[Handout]:
        return self.nodes(Handout)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def quiz(self, quiz_id: str) -> Quiz | None:
        return next((q for q in self.quizzes if q.id == quiz_id), None)


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    summary: str
    blocks: tuple[Block, ...]
    path: Path
    order: str = "any"
    languages: tuple[str, ...] = ("en",)
    audience: tuple[str, ...] = ()
    public: bool = False
    lang: str = "en"  # the language course.yaml is written in
    # Usable translations of the course's own texts, from its catalogues (locales/<lang>.po):
    # language -> English text -> translation.
    translations: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)
    version: int = 1

    @property
    def source(self) -> Path:
        """The file its PO catalogues translate (locales/ is beside it)."""
        return self.path / "course.yaml"

    def text_in(self, text: str, lang: str) -> str:
        """One of the course's own texts in `lang`, or as written when it has no translation."""
        return self.translations.get(lang, {}).get(text) or text

    def title_in(self, lang: str) -> str:
        return self.text_in(self.title, lang)

    def summary_in(self, lang: str) -> str:
        return self.text_in(self.summary, lang)

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in content: where, a stable code, and how to mend it."""

    path: str
    line: int
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "code": self.code, "message": self.message}


@dataclass
class Report:
    """Diagnostics collected while loading and checking content."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path | str, line: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, code, message, "error"))

    def warning(self, path: Path | str, line: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, code, message, "warning"))

    def extend(self, other: Report) -> None:
        self.items.extend(other.items)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics by file and line, the order an author mends them in."""
        return sorted(self.items, key=lambda d: (d.path, d.line))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors
