"""Recording what a learner did and deriving where they stand (SPEC section 6).

No request objects in here: every function takes a database session and plain values, so the
views, the CLI and the tests all share one account of completion and success.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blocks.model import Block, Course, Question, Quiz, QuizKind, Survey
from blocks.scoring import Score, check_response, passed, quiz_percent, score_question
from player.models import (
    Answer, Attempt, BlockProgress, Certificate, SectionView, Submission, SurveyAnswer, User, utcnow,
)

COUNTED_KINDS = (QuizKind.CHECK, QuizKind.POSTTEST)  # the quizzes completion waits for
# A submission's client id is a key across all learners, so it must be long enough not to collide
# by chance: the player's forms send 32 hex digits.
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{16,64}")


class State(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    PASSED = "passed"


@dataclass(frozen=True)
class QuizStatus:
    quiz: Quiz
    submitted: tuple[Attempt, ...]
    open_attempt: Attempt | None

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
def block_status(db: Session, user_id: int | None, course_id: str, block: Block) -> BlockStatus:
    """Everything the player shows about one learner in one block, in four queries."""
    return _statuses(db, user_id, course_id, [block])[block.id]


def course_states(db: Session, user_id: int | None, course: Course, blocks: Iterable[Block] | None = None) -> dict[str, BlockStatus]:
    """The learner's status in each block of a course (or the blocks given), in four queries."""
    return _statuses(db, user_id, course.id, list(course.blocks if blocks is None else blocks))


def _statuses(db: Session, user_id: int | None, course_id: str, blocks: list[Block]) -> dict[str, BlockStatus]:
    if user_id is None or not blocks:
        return {b.id: BlockStatus(b, frozenset(), {q.id: QuizStatus(q, (), None) for q in b.quizzes}) for b in blocks}
    params = {"user_id": user_id, "course_id": course_id, "block_ids": [b.id for b in blocks]}
    viewed: dict[str, set[str]] = defaultdict(set)
    for block_id, section_id in db.execute(_VIEWED, params):
        viewed[block_id].add(section_id)
    surveys: dict[str, set[str]] = defaultdict(set)
    for block_id, survey_id in db.execute(_SURVEYED, params):
        surveys[block_id].add(survey_id)
    last = dict(db.execute(_LAST_SECTION, params).all())
    attempts: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in db.scalars(_ATTEMPTS, params):
        attempts[attempt.block_id].append(attempt)
    return {block.id: _status(block, viewed[block.id], attempts[block.id], last.get(block.id, ""), surveys[block.id]) for block in blocks}


def _in_blocks(model: Any) -> ColumnElement[bool]:
    """One learner's rows of some blocks of one course: the filter every status query shares."""
    return and_(model.user_id == bindparam("user_id"), model.course_id == bindparam("course_id"),
                model.block_id.in_(bindparam("block_ids", expanding=True)))


# Built once: a step page runs these on every request, and building a statement costs more
# than running it on a learner's few rows.
_VIEWED = select(SectionView.block_id, SectionView.section_id).where(_in_blocks(SectionView))
_SURVEYED = select(SurveyAnswer.block_id, SurveyAnswer.survey_id).where(_in_blocks(SurveyAnswer))
_LAST_SECTION = select(BlockProgress.block_id, BlockProgress.last_section).where(_in_blocks(BlockProgress))
_ATTEMPTS = select(Attempt).where(_in_blocks(Attempt)).order_by(Attempt.number)


def _status(block: Block, viewed: set[str], attempts: list[Attempt], last_section: str, surveys: set[str]) -> BlockStatus:
    quizzes = {
        quiz.id: QuizStatus(
            quiz,
            tuple(a for a in attempts if a.quiz_id == quiz.id and a.submitted_at is not None),
            next((a for a in attempts if a.quiz_id == quiz.id and a.submitted_at is None), None),
        )
        for quiz in block.quizzes
    }
    return BlockStatus(block, frozenset(viewed), quizzes, last_section, surveys_done=frozenset(surveys))


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


# -- writing -------------------------------------------------------------------------------
def lock_learner(db: Session, user_id: int) -> None:
    """Run one learner's writes one after another (two tabs, a retry racing the original).

    On PostgreSQL this locks the learner's row until the transaction ends; SQLite ignores it
    because BEGIN IMMEDIATE already runs writers one at a time. Reads after it see what the
    learner's previous request committed (attempt numbers, limits, progress rows).
    """
    db.execute(select(User.id).where(User.id == user_id).with_for_update())


def claim(db: Session, user_id: int, client_id: str) -> bool:
    """Record a request's client id; False when it was recorded before (a double submit)."""
    if not CLIENT_ID.fullmatch(client_id):
        raise ValueError(f"a client id is 16 to 64 letters, digits or hyphens, not {client_id!r}")
    lock_learner(db, user_id)
    if db.get(Submission, client_id) is not None:
        return False
    try:
        with db.begin_nested():
            db.add(Submission(client_id=client_id, user_id=user_id))
    except IntegrityError:
        return False
    return True


def _progress_row(db: Session, user_id: int, course_id: str, block: Block) -> BlockProgress:
    row = db.scalars(select(BlockProgress).filter_by(user_id=user_id, course_id=course_id, block_id=block.id)).first()
    if row is None:
        row = BlockProgress(user_id=user_id, course_id=course_id, block_id=block.id, block_version=block.version)
        db.add(row)
    return row


def mark_viewed(db: Session, user_id: int, course_id: str, block: Block, section_id: str, position: str) -> None:
    """A step was read: remember it and where the learner goes next."""
    lock_learner(db, user_id)
    where = dict(user_id=user_id, course_id=course_id, block_id=block.id)
    if section_id and db.scalars(select(SectionView.id).filter_by(section_id=section_id, **where)).first() is None:
        try:
            with db.begin_nested():
                db.add(SectionView(section_id=section_id, **where))
        except IntegrityError:
            pass  # another request recorded the same view first
    row = _progress_row(db, user_id, course_id, block)
    row.last_section, row.updated_at = position, utcnow()
    update_completion(db, user_id, course_id, block)


def open_attempt(db: Session, user_id: int, course_id: str, block: Block, quiz: Quiz) -> Attempt | None:
    """The learner's open attempt at a quiz, starting one if attempts remain."""
    status = block_status(db, user_id, course_id, block).quizzes[quiz.id]
    if status.open_attempt is not None:
        return status.open_attempt
    if status.attempts_left == 0 or status.passed and quiz.kind != QuizKind.CHECK:
        return None
    number = 1 + max((a.number for a in status.submitted), default=0)
    attempt = Attempt(
        user_id=user_id, course_id=course_id, block_id=block.id, quiz_id=quiz.id,
        block_version=block.version, number=number, seed=attempt_seed(user_id, quiz.id, number),
    )
    db.add(attempt)
    _progress_row(db, user_id, course_id, block).updated_at = utcnow()
    db.flush()
    return attempt


def attempt_seed(user_id: int | None, quiz_id: str, number: int) -> int:
    """The shuffle seed of an attempt, known before the attempt row exists (no reorder on save)."""
    return zlib.crc32(f"{user_id}:{quiz_id}:{number}".encode()) & 0x7FFFFFFF  # fits a signed INTEGER column


def record_answer(db: Session, attempt: Attempt, question: Question, response: dict[str, Any]) -> Answer:
    """Keep an answer as it is given (mid-quiz resume); scoring is done now, on the server."""
    check_response(question, response)
    score = score_question(question, response)
    answer = Answer(attempt_id=attempt.id, question_id=question.id, response=response, points=score.points, max_points=score.max_points)
    db.add(answer)
    db.flush()
    db.refresh(attempt)
    return answer


def submit_attempt(db: Session, attempt: Attempt, quiz: Quiz, block: Block) -> Attempt:
    """Score the attempt from its latest answers; unanswered questions count zero."""
    latest = latest_answers(attempt)
    scores = {qid: Score(a.points, a.max_points) for qid, a in latest.items()}
    attempt.percent = round(quiz_percent(quiz, scores), 2)
    attempt.passed = passed(quiz, attempt.percent)
    attempt.submitted_at = utcnow()
    db.flush()
    update_completion(db, attempt.user_id, attempt.course_id, block)
    return attempt


def record_survey(db: Session, user_id: int, course_id: str, block: Block, survey: Survey, responses: dict[str, dict[str, Any]]) -> None:
    """Store survey answers; a reflection is private unless its question says share=trainer."""
    for question in survey.questions:
        if question.id not in responses:
            continue
        check_response(question, responses[question.id])
        db.add(SurveyAnswer(
            user_id=user_id, course_id=course_id, block_id=block.id, survey_id=survey.id,
            question_id=question.id, response=responses[question.id], shared=question.share == "trainer",
        ))
    db.flush()


def update_completion(db: Session, user_id: int, course_id: str, block: Block) -> None:
    """Stamp completion and success the first time they are reached."""
    status = block_status(db, user_id, course_id, block)
    row = _progress_row(db, user_id, course_id, block)
    now = utcnow()
    if status.completed and row.completed_at is None:
        row.completed_at = now
    if status.passed and row.passed_at is None:
        row.passed_at = now
    db.flush()


def issue_certificate(db: Session, user: User, course: Course, block: Block | None) -> Certificate:
    """One certificate per learner and course (or block); asking again returns the same one."""
    block_id = block.id if block else ""
    existing = db.scalars(select(Certificate).filter_by(user_id=user.id, course_id=course.id, block_id=block_id)).first()
    if existing:
        return existing
    minutes = block.duration if block else sum(b.duration for b in course.blocks)
    certificate = Certificate(
        user_id=user.id, course_id=course.id, block_id=block_id, name=user.name or user.email or "",
        title=block.title if block else course.title, hours=round(minutes / 60, 1),
    )
    db.add(certificate)
    db.flush()
    return certificate

