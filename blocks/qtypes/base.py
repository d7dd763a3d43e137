"""What every question type must say about itself, and the pieces the types share.

A question type lives in one module of this package (see `blocks.qtypes`): its syntax, its
checks, how a response is checked and scored, its answer key, the order it is shown in, how it
is read from a form and how a report describes a response. `QuestionKind` names those parts;
each one is abstract, so a type that lacks a part cannot be registered.

A response is a plain JSON-able dict, as the player stores it; each type documents its shape.
"""

from __future__ import annotations

import hashlib
import hmac
from abc import ABC, abstractmethod
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from blocks.gift import values as gift
from blocks.model import Gap, Option, Pair, Question, QuestionType

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

Error = Callable[[str, str], None]  # error(code, message): a validation problem of one question


class InvalidResponse(ValueError):
    """The response does not fit the question (wrong shape, index out of range, unknown token)."""


class Reader(Protocol):
    """What a type reads its syntax with (`blocks.questions.QuestionReader`): the question's
    attributes, its stem's gaps and its list of answers, each problem reported with its line."""

    def error(self, code: str, message: str) -> None: ...
    def has(self, name: str) -> bool: ...
    def boolean(self, name: str, default: bool) -> bool: ...
    def choice(self, name: str, allowed: Iterable[str], default: str) -> str: ...
    def gaps(self, problem: Callable[[dict[str, Any], str], str | None]) -> tuple[Gap, ...]: ...
    def options(self, answers: SyntaxTreeNode) -> tuple[Option, ...]: ...
    def pairs(self, answers: SyntaxTreeNode) -> tuple[Pair, ...]: ...
    def items(self, answers: SyntaxTreeNode) -> tuple[str, ...]: ...


class GiftNotes(Protocol):
    """What a type's GIFT conversion is told (the block's language) and tells: what is lost."""

    lang: str

    def lossy(self, message: str) -> None: ...


class NotImportable(ValueError):
    """A GIFT question this type takes but cannot hold (a short answer with no right answer)."""


@dataclass(frozen=True)
class Imported:
    """A GIFT question as the source of one `:::question`: its attributes and its Markdown body."""

    attributes: dict[str, str]
    body: str


class Form(Protocol):
    """The submitted fields of a form (werkzeug's MultiDict fits)."""

    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


class FieldNames:
    """The names and values of one form's answer fields, opaque per attempt.

    A page must not give an answer away in its source: an option's value, a match choice or an
    item's field name is a keyed hash (HMAC) of the attempt's seed and the item's position in
    the source, never the position itself. Without the server's key a learner cannot tell which
    value is which; the server maps a value back by hashing the few candidates again.
    """

    def __init__(self, key: bytes, seed: int) -> None:
        self.key, self.seed = key, seed
        self._made: dict[tuple[str, str, int], str] = {}  # a form's tokens, each made once

    @staticmethod
    def name(question: Question) -> str:
        """The base name of a question's fields (its id is no secret)."""
        return f"q-{question.id}"

    def token(self, question: Question, part: str, index: int) -> str:
        made = self._made.get((question.id, part, index))
        if made is None:
            message = f"{self.seed}:{question.id}:{part}:{index}".encode()
            made = self._made[(question.id, part, index)] = hmac.new(self.key, message, hashlib.sha256).hexdigest()[:16]
        return made

    def index(self, question: Question, part: str, token: str, count: int) -> int:
        """The source position a token stands for; a token of no position is refused."""
        if not token.isascii():  # compare_digest takes ASCII strings only; no token of ours is anything else
            raise InvalidResponse(f"question {question.id}: {token!r} is not one of its choices")
        for index in range(count):
            if hmac.compare_digest(self.token(question, part, index), token):
                return index
        raise InvalidResponse(f"question {question.id}: {token!r} is not one of its choices")


class QuestionKind(ABC):
    """One question type: every part of it, each stated by the type's own module."""

    type: ClassVar[QuestionType]
    scored: ClassVar[bool]
    # The list a question of this type reads its answers from: "bullet_list", "ordered_list", or
    # None; `answer_list_name` says it in an error message ("a list", "an ordered list (1. 2. 3.)").
    answer_list: ClassVar[str | None]
    answer_list_name: ClassVar[str] = "a list"
    reads_gaps: ClassVar[bool] = False  # answer gaps [[...]] in the stem belong to the question
    attributes: ClassVar[frozenset[str]] = frozenset()  # attributes of its own, beyond id, type and points
    always_shuffled: ClassVar[bool] = False  # shown in a shuffled order whatever the quiz says
    shuffled_in_print: ClassVar[bool] = False  # printed in a fixed shuffled order, since paper has no attempts
    prompts_discussion: ClassVar[bool] = False  # its stem is a discussion point in the trainer pack

    # -- syntax -----------------------------------------------------------------------------
    @abstractmethod
    def read(self, reader: Reader, answers: SyntaxTreeNode | None) -> dict[str, Any]:
        """The type's own fields of the Question (options, gaps, pairs, items, scale, ...)."""

    def placement_problem(self, container: str) -> tuple[str, str] | None:
        """(code, message) when a question of this type may not stand in a quiz or survey."""
        if container == "survey" and self.scored:
            return "scored-in-survey", f"a {self.type} question is scored; put it in a quiz, or use likert or reflection in a survey"
        return None

    # -- checks -----------------------------------------------------------------------------
    @abstractmethod
    def check(self, question: Question, error: Error) -> None:
        """The validation rules of a built question of this type (SPEC section 4)."""

    # -- responses and scoring --------------------------------------------------------------
    @abstractmethod
    def validate(self, question: Question, response: dict[str, Any]) -> None:
        """Raise InvalidResponse when a response does not fit the question."""

    @abstractmethod
    def fraction(self, question: Question, response: dict[str, Any]) -> float:
        """The share of the question's points a valid response earns (0 for unscored types)."""

    @abstractmethod
    def correct_response(self, question: Question) -> dict[str, Any]:
        """The full-marks response (for unscored types: a valid one)."""

    @abstractmethod
    def answer_key(self, question: Question) -> str:
        """The right answer as HTML for printed keys; '' when there is none."""

    @abstractmethod
    def package_key(self, question: Question) -> dict[str, Any] | None:
        """What a package that scores without a server (SCORM) needs to score this question: one
        of the rules of `exporter/assets/package/runtime.js` (`choice`, `gaps`, `pairs`,
        `sequence`) and its data, by source index; None for unscored types."""

    # -- display order ------------------------------------------------------------------------
    @abstractmethod
    def ordered(self, question: Question) -> int:
        """How many of its parts are shown in a chosen order (options, match choices, items)."""

    # -- forms and reports ------------------------------------------------------------------
    @abstractmethod
    def from_form(self, question: Question, form: Form, names: FieldNames) -> dict[str, Any] | None:
        """The learner's response from the submitted fields; None when left unanswered."""

    @abstractmethod
    def describe(self, question: Question, response: dict[str, Any]) -> str:
        """What the learner answered, in words, for a trainer's report."""

    def chosen_options(self, response: dict[str, Any]) -> list[int]:
        """The options a response picked, for the reports' option counts (choice types)."""
        return []

    # -- Moodle GIFT (docs/gift.md) ----------------------------------------------------------
    @abstractmethod
    def to_gift(self, question: Question, notes: GiftNotes) -> gift.Question | None:
        """The question as GIFT (None when GIFT cannot hold it); anything lost goes to `notes`."""

    @abstractmethod
    def from_gift(self, item: gift.Question, notes: GiftNotes) -> Imported | None:
        """A GIFT question as this type, when this type is its closest match; else None.
        Anything lost goes to `notes`; NotImportable when it fits this type but cannot be held."""


# -- shared checks of a response's shape ---------------------------------------------------------
def index_in(value: Any, size: int, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < size:
        raise InvalidResponse(f"expected a choice from {minimum} to {size - 1}")
    return value


def indices_in(values: Any, size: int, distinct: bool = False, exact: int | None = None) -> Sequence[int]:
    if not isinstance(values, list):
        raise InvalidResponse("expected a list of choices")
    for value in values:
        index_in(value, size)
    if distinct and len(set(values)) != len(values):
        raise InvalidResponse("a choice is given twice")
    if exact is not None and len(values) != exact:
        raise InvalidResponse(f"expected {exact} choices")
    return values


def whole_number(text: Any) -> int | None:
    """A form's whole number, or None for an empty or unreadable field."""
    if not isinstance(text, str) or not (text := text.strip()).isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def letter(index: int) -> str:
    """A, B, C ...: how printed options and keys name the items."""
    return chr(ord("A") + index)
