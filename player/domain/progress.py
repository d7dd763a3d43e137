"""Where a learner stands (SPEC section 6): statuses of blocks, quizzes and surveys, read from
what `player.domain.recording` wrote.

No request objects in here: every function takes a database session (or the request's reader)
and plain values, so the views, the CLI and the tests all share one account of completion and
success.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, String, and_, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from blocks.model import Block, Course, Quiz, QuizKind
from player.store.database import Read, Reader
from player.store.models import Answer, Attempt, BlockProgress, Certificate, SectionView, SurveyAnswer

if TYPE_CHECKING:
    pass

Source = Session | Reader  # where progress is read from: see player.store.database.Read.rows

COUNTED_KINDS = (QuizKind.CHECK, QuizKind.POSTTEST)  # the quizzes completion waits for


class State(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    PASSED = "passed"


class AttemptRow(NamedTuple):
    """An attempt as pages show it. Rows, not ORM objects: a step page reads them on every
    request, and a write that needs the open attempt loads it by id in its own transaction (see
    open_attempt)."""

    id: int
    block_id: str
    quiz_id: str
    number: int
    submitted_at: datetime | None
    percent: float | None
    passed: bool | None
    seed: int  # its shuffle and its form's field tokens


class AnswerRow(NamedTuple):
    attempt_id: int
    question_id: str
    response: dict[str, Any]
    points: float
    max_points: float


@dataclass(frozen=True)
class QuizStatus:
    """A learner's attempts at one quiz: the submitted ones in order, and the open one."""

    quiz: Quiz
    submitted: tuple[AttemptRow, ...]
    open_attempt: AttemptRow | None

    @property
    def best(self) -> float | None:
        return max((a.percent or 0.0 for a in self.submitted), default=None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.submitted)

    @property
    def attempts_left(self) -> int | None:
        return None if self.quiz.attempts is None else max(0, self.quiz.attempts - len(self.submitted))

    @property
    def completed(self) -> bool:
        return self.passed or self.attempts_left == 0


@dataclass(frozen=True)
class BlockStatus:
    block: Block
    viewed: frozenset[str]
    quizzes: dict[str, QuizStatus]
    last_section: str = ""
    certificate: Certificate | None = None
    surveys_done: frozenset[str] = field(default_factory=frozenset)

    @property
    def counted(self) -> list[QuizStatus]:
        return [q for q in self.quizzes.values() if q.quiz.kind in COUNTED_KINDS]

    @property
    def completed(self) -> bool:
        all_viewed = all(s.id in self.viewed for s in self.block.sections)
        return all_viewed and all(q.completed for q in self.counted)

    @property
    def passed(self) -> bool:
        return self.completed and all(q.passed for q in self.counted)

    @property
    def state(self) -> State:
        if self.passed:
            return State.PASSED
        if self.completed:
            return State.COMPLETED
        if self.viewed or self.last_section or any(q.submitted or q.open_attempt for q in self.quizzes.values()):
            return State.IN_PROGRESS
        return State.NOT_STARTED

    @property
    def percent_viewed(self) -> int:
        total = len(self.block.sections)
        return round(100 * len(self.viewed & {s.id for s in self.block.sections}) / total) if total else 0

    @property
    def resume_section(self) -> str:
        """Where to pick up: the last step they reached, else the first one not yet viewed."""
        ids = [s.id for s in self.block.sections]
        if self.last_section in ids or self.last_section == "evaluation":
            return self.last_section
        return next((i for i in ids if i not in self.viewed), ids[0] if ids else "")


# -- reading -------------------------------------------------------------------------------
def block_status(db: Source, user_id: int | None, course_id: str, block: Block) -> BlockStatus:
    """Everything the player shows about one learner in one block, in two queries."""
    return _statuses(db, user_id, course_id, [block])[block.id]


def course_states(db: Source, user_id: int | None, course: Course, blocks: Iterable[Block] | None = None) -> dict[str, BlockStatus]:
    """The learner's status in each block of a course (or the blocks given), in two queries."""
    return _statuses(db, user_id, course.id, list(course.blocks if blocks is None else blocks))


def quiz_statuses(db: Source, user_id: int | None, course_id: str, block: Block, quizzes: list[Quiz]) -> list[QuizStatus]:
    """The learner's attempts at each of a block's `quizzes`, in one query: all a quiz step shows."""
    attempts = _attempts(db, {"user_id": user_id, "course_id": course_id}) if user_id is not None else {}
    return list(_quiz_statuses(quizzes, attempts.get(block.id, [])).values())


def surveys_done(db: Source, user_id: int | None, course_id: str, block: Block) -> frozenset[str]:
    """The surveys of a block the learner has answered, in one query: all a survey shows."""
    if user_id is None:
        return frozenset()
    rows = _SURVEYED.rows(db, {"user_id": user_id, "course_id": course_id})
    return frozenset(survey_id for _kind, block_id, survey_id in rows if block_id == block.id)


def _statuses(db: Source, user_id: int | None, course_id: str, blocks: list[Block]) -> dict[str, BlockStatus]:
    if user_id is None or not blocks:
        return {b.id: BlockStatus(b, frozenset(), _quiz_statuses(b.quizzes, [])) for b in blocks}
    params = {"user_id": user_id, "course_id": course_id}
    marks: dict[str, dict[str, set[str]]] = {b.id: {"viewed": set(), "surveyed": set(), "last": set()} for b in blocks}
    for kind, block_id, value in _MARKS.rows(db, params):
        if block_id in marks:
            marks[block_id][kind].add(value)
    attempts = _attempts(db, params)
    return {block.id: _status(block, marks[block.id], attempts.get(block.id, [])) for block in blocks}


def _attempts(db: Source, params: dict[str, Any]) -> dict[str, list[AttemptRow]]:
    """The learner's attempts in a course, by block, in order."""
    found: dict[str, list[AttemptRow]] = defaultdict(list)
    for attempt in _ATTEMPTS.rows(db, params):
        found[attempt.block_id].append(attempt)
    return found


def _in_course(model: Any) -> ColumnElement[bool]:
    """One learner's rows in one course, the filter every status query shares. A learner has a
    few rows per block, so the blocks not asked for are skipped in Python: cheaper than an IN
    list, which SQLAlchemy renders anew on every execution."""
    return and_(model.user_id == bindparam("user_id"), model.course_id == bindparam("course_id"))


def _mark(kind: str, model: Any, column: Any) -> Any:
    return select(literal(kind, String), model.block_id, column).where(_in_course(model)).distinct()


# Built once, as Reads (player.store.database): a step page runs them on every request, and building a statement,
# ORM objects or SQLAlchemy's execution context costs more than the query on a learner's few rows.
_MARKS = Read(union_all(
    _mark("viewed", SectionView, SectionView.section_id),
    _mark("surveyed", SurveyAnswer, SurveyAnswer.survey_id),
    _mark("last", BlockProgress, BlockProgress.last_section),
))
_SURVEYED = Read(_mark("surveyed", SurveyAnswer, SurveyAnswer.survey_id))
_ATTEMPTS = Read(select(
    Attempt.id, Attempt.block_id, Attempt.quiz_id, Attempt.number, Attempt.submitted_at, Attempt.percent, Attempt.passed, Attempt.seed,
).where(_in_course(Attempt)).order_by(Attempt.number), AttemptRow)


def _status(block: Block, marks: dict[str, set[str]], attempts: list[AttemptRow]) -> BlockStatus:
    last_section = next(iter(marks["last"]), "")
    return BlockStatus(block, frozenset(marks["viewed"]), _quiz_statuses(block.quizzes, attempts), last_section,
                       surveys_done=frozenset(marks["surveyed"]))


def _quiz_statuses(quizzes: list[Quiz], attempts: list[AttemptRow]) -> dict[str, QuizStatus]:
    return {quiz.id: quiz_status(quiz, attempts) for quiz in quizzes}


def quiz_status(quiz: Quiz, attempts: list[AttemptRow]) -> QuizStatus:
    """A quiz's status from the learner's attempts in its block (in order of number)."""
    return QuizStatus(
        quiz,
        tuple(a for a in attempts if a.quiz_id == quiz.id and a.submitted_at is not None),
        next((a for a in attempts if a.quiz_id == quiz.id and a.submitted_at is None), None),
    )


def unanswered(quiz: Quiz, answered: Iterable[str]) -> int:
    """How many of a quiz's questions have no answer among the question ids `answered`."""
    return len(unanswered_numbers(quiz, answered))


def unanswered_numbers(quiz: Quiz, answered: Iterable[str]) -> list[int]:
    """The numbers (1 first) of a quiz's questions with no answer among the ids `answered`."""
    given = set(answered)
    return [number for number, question in enumerate(quiz.questions, 1) if question.id not in given]


def required_before(course: Course, block: Block) -> list[Block]:
    """The blocks to complete before this one: its prerequisites, and in a sequential course
    every block before it."""
    needed = set(block.prerequisites)
    if course.order == "sequential":
        needed |= {b.id for b in course.blocks[: course.blocks.index(block)]}
    return [b for b in course.blocks if b.id in needed]


def waiting_for(course: Course, statuses: dict[str, BlockStatus], block: Block) -> list[Block]:
    """The required blocks not yet completed."""
    return [b for b in required_before(course, block) if not statuses[b.id].completed]


def course_completed(statuses: dict[str, BlockStatus]) -> bool:
    return bool(statuses) and all(s.completed for s in statuses.values())


def latest_answers(attempt: Attempt) -> dict[str, Answer]:
    latest: dict[str, Answer] = {}
    for answer in attempt.answers:
        latest[answer.question_id] = answer
    return latest


def answers_by_attempt(db: Session, attempt_ids: Iterable[int]) -> dict[int, dict[str, AnswerRow]]:
    """The latest answer to each question of each attempt (what a page shows of them, without
    loading ORM objects)."""
    found: dict[int, dict[str, AnswerRow]] = defaultdict(dict)
    ids = list(attempt_ids)
    if ids:
        db.flush()
        for row in db.execute(_ANSWERS, {"ids": ids}):
            found[row.attempt_id][row.question_id] = AnswerRow(*row)
    return found


def open_answers(db: Source, user_id: int | None, course_id: str) -> dict[int, dict[str, AnswerRow]]:
    """The latest answer to each question of each of the learner's open attempts in a course:
    what a quiz step fills its form with again (mid-quiz resume)."""
    found: dict[int, dict[str, AnswerRow]] = defaultdict(dict)
    if user_id is not None:
        for row in _OPEN_ANSWERS.rows(db, {"user_id": user_id, "course_id": course_id}):
            found[row.attempt_id][row.question_id] = row
    return found


_ANSWER_COLUMNS = (Answer.attempt_id, Answer.question_id, Answer.response, Answer.points, Answer.max_points)
_ANSWERS = select(*_ANSWER_COLUMNS).where(Answer.attempt_id.in_(bindparam("ids", expanding=True))).order_by(Answer.id)
_OPEN_ANSWERS = Read(select(*_ANSWER_COLUMNS).join(Attempt, Attempt.id == Answer.attempt_id).where(
    _in_course(Attempt), Attempt.submitted_at.is_(None)).order_by(Answer.id), AnswerRow)


def final_test_taken(db: Session, user_id: int, course: Course) -> bool:
    """Whether the learner has submitted a post-test of the course: until then a pre-test's
    answers and explanations stay hidden, so that the post-test measures what was learnt."""
    finals = [(block.id, quiz.id) for block in course.blocks for quiz in block.quizzes if quiz.kind == QuizKind.POSTTEST]
    if not finals:
        return True
    found = select(Attempt.block_id, Attempt.quiz_id).where(
        Attempt.user_id == user_id, Attempt.course_id == course.id, Attempt.submitted_at.is_not(None))
    return any(tuple(row) in finals for row in db.execute(found))
