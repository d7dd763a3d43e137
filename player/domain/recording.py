"""Recording what a learner did (SPEC section 6): views, attempts, answers, surveys, completion.

Each function writes in the caller's transaction (`player.store.database.writing`); none commits.
A request's client id is claimed first, so a repeated submission records nothing twice.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blocks.model import Block, Course, Question, Quiz, QuizKind, Survey
from blocks.scoring import Score, check_response, passed, quiz_percent, score_question
from player.store.database import Reader
from player.store.models import (
    Answer, Attempt, BlockProgress, Certificate, SectionView, Submission, SurveyAnswer, User, utcnow,
)

if TYPE_CHECKING:
    from player.domain.accounts import Visitor

Source = Session | Reader  # where progress is read from: see player.store.database.Read.rows

from player.domain.progress import block_status, latest_answers

# A submission's client id is a key across all learners, so it must be long enough not to collide
# by chance: the player's forms send 32 hex digits.
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{16,64}")


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
        return db.get(Attempt, status.open_attempt.id)
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


def record_answer(attempt: Attempt, question: Question, response: dict[str, Any]) -> Answer:
    """Keep an answer as it is given (mid-quiz resume); scoring is done now, on the server.
    score_question checks the response first: InvalidResponse before anything is added."""
    score = score_question(question, response)
    answer = Answer(question_id=question.id, response=response, points=score.points, max_points=score.max_points)
    # Through the relationship, so the attempt's answers include it without reading them back;
    # the transaction writes all of a form's answers in one flush.
    attempt.answers.append(answer)
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


def issue_certificate(db: Session, user: Visitor, course: Course, block: Block | None) -> Certificate:
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

