"""Recording what a learner did (SPEC section 6): views, attempts, answers, surveys, completion.

One request, one short write transaction (the caller's: `player.store.database.writing`), in a
handful of statements: the request's client id is claimed first (a repeated submission records
nothing twice), then the rows it appends, then the progress row with completion and success
stamped the first time they are reached. Everything that needs no lock (reading the form,
checking and scoring the answers) happens before, in `QuizAnswers.read`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from blocks.model import Block, Quiz, QuizKind, Survey
from blocks.scoring import Score, check_response, passed, quiz_percent, score_question
from player.domain import events
from player.domain.progress import AttemptRow, BlockStatus, QuizStatus, quiz_status, unanswered
from player.store.database import Append, Read, Write
from player.store.models import (
    Answer, Attempt, BlockProgress, HeldSubmission, SectionView, Submission, SurveyAnswer, User, utcnow,
)

# A submission's client id is a key across all learners, so it must be long enough not to collide
# by chance: the player's forms send 32 hex digits.
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{16,64}")


def attempt_seed(user_id: int | None, quiz_id: str, number: int) -> int:
    """The shuffle seed of an attempt, known before the attempt row exists (no reorder on save)."""
    return zlib.crc32(f"{user_id}:{quiz_id}:{number}".encode()) & 0x7FFFFFFF  # fits a signed INTEGER column


# -- statements, built once ------------------------------------------------------------------
# A submission's few statements run on the transaction's driver connection (`Read`, `Write`, `Append`):
# SQLAlchemy's execution machinery cost more than the statements themselves.
def _upsert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT for the database in use (SQLite and PostgreSQL spell it alike)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _progress(dialect: str) -> Any:
    """Create the learner's progress row in a block or move it on; a stamp once set stays."""
    statement = _upsert(dialect)(BlockProgress).values(
        user_id=bindparam("user_id"), course_id=bindparam("course_id"), block_id=bindparam("block_id"),
        block_version=bindparam("version"), last_section=bindparam("last_section"), started_at=bindparam("now"),
        updated_at=bindparam("now"), completed_at=bindparam("completed_at"), passed_at=bindparam("passed_at"),
    )
    excluded, table = statement.excluded, BlockProgress.__table__.c
    return statement.on_conflict_do_update(
        index_elements=["user_id", "course_id", "block_id"],
        set_={
            "updated_at": excluded.updated_at,
            "last_section": func.coalesce(func.nullif(excluded.last_section, ""), table.last_section),
            "completed_at": func.coalesce(table.completed_at, excluded.completed_at),
            "passed_at": func.coalesce(table.passed_at, excluded.passed_at),
        },
    ).returning(BlockProgress.started_at, BlockProgress.completed_at, BlockProgress.passed_at)


_PROGRESS: dict[str, Write] = {}


def _progress_statement(dialect: str) -> Write:
    """The progress upsert, built for its dialect (each spells ON CONFLICT with its own
    construct; the plain appends are `Append`s, which build theirs)."""
    if dialect not in _PROGRESS:
        _PROGRESS[dialect] = Write(_progress(dialect))
    return _PROGRESS[dialect]


_LOCK = Read(select(User.id).where(User.id == bindparam("user_id")).with_for_update())
_IN_BLOCK = dict(user_id=bindparam("user_id"), course_id=bindparam("course_id"), block_id=bindparam("block_id"))
_BLOCK_ATTEMPTS = Read(select(
    Attempt.id, Attempt.block_id, Attempt.quiz_id, Attempt.number, Attempt.submitted_at, Attempt.percent, Attempt.passed, Attempt.seed,
).filter_by(**_IN_BLOCK).order_by(Attempt.number), AttemptRow)
_VIEWED = Read(select(SectionView.section_id).filter_by(**_IN_BLOCK))
_ANSWERS_OF = Read(select(Answer.question_id, Answer.response, Answer.points, Answer.max_points).where(
    Answer.attempt_id == bindparam("attempt_id")).order_by(Answer.id))
_SUBMIT = Write(update(Attempt).where(Attempt.id == bindparam("attempt_id")).values(
    submitted_at=bindparam("now"), percent=bindparam("percent"), passed=bindparam("passed")))
NEW_CLAIMS = Append(Submission, "client_id", "user_id", "created_at", returning=(Submission.client_id,), skip_conflicts=("client_id",))
NEW_ATTEMPTS = Append(Attempt, "user_id", "course_id", "block_id", "quiz_id", "block_version", "number", "seed", "started_at",
                      "submitted_at", "percent", "passed",
                      returning=(Attempt.id, Attempt.course_id, Attempt.block_id, Attempt.quiz_id, Attempt.number))
NEW_VIEWS = Append(SectionView, "user_id", "course_id", "block_id", "section_id", "viewed_at",
                   skip_conflicts=("user_id", "course_id", "block_id", "section_id"))
NEW_HELD = Append(HeldSubmission, "client_id", "user_id", "course_id", "block_id", "reason", "payload", "created_at")
NEW_ANSWER = Append(Answer, "attempt_id", "question_id", "response", "points", "max_points", "created_at")
NEW_SURVEY_ANSWER = Append(SurveyAnswer, "user_id", "course_id", "block_id", "survey_id", "question_id", "response", "shared",
                           "created_at")


# -- the steps every write shares ------------------------------------------------------------
def claim(write: Session, user_id: int, client_id: str, *, locked: bool = False) -> bool:
    """Record a request's client id, first in its transaction; False when it was recorded before.

    On PostgreSQL the learner's row is locked first (unless this transaction already holds it:
    `locked`), so one learner's writes run one after another (two tabs, a retry racing the
    original); SQLite's BEGIN IMMEDIATE already does.
    """
    if not CLIENT_ID.fullmatch(client_id):
        raise ValueError(f"a client id is 16 to 64 letters, digits or hyphens, not {client_id!r}")
    dialect = _dialect(write)
    if dialect == "postgresql" and not locked:
        _LOCK.rows(write, {"user_id": user_id})
    return bool(NEW_CLAIMS.returned(write, [{"client_id": client_id, "user_id": user_id, "created_at": utcnow()}]))


def claim_all(write: Session, user_id: int, client_ids: list[str]) -> set[str]:
    """Record a batch's client ids together (the learner's row already locked: see
    `lock_learner`); those recorded now, the others having been recorded before."""
    if not client_ids:
        return set()
    now = utcnow()
    claimed = NEW_CLAIMS.returned(write, [{"client_id": client_id, "user_id": user_id, "created_at": now} for client_id in client_ids])
    return {row.client_id for row in claimed}


def lock_learner(write: Session, user_id: int) -> None:
    """Hold the learner's row for the rest of the transaction (PostgreSQL; SQLite's BEGIN
    IMMEDIATE already serialises writers): what `claim` does, once for a whole batch."""
    if _dialect(write) == "postgresql":
        _LOCK.rows(write, {"user_id": user_id})


def _dialect(write: Session) -> str:
    return write.get_bind().dialect.name


@dataclass(frozen=True)
class Where:
    """The learner and the block a write is about."""

    user_id: int
    course_id: str
    block: Block

    @property
    def params(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "course_id": self.course_id, "block_id": self.block.id}


def stamp_progress(write: Session, where: Where, attempts: list[AttemptRow], last_section: str = "") -> BlockStatus:
    """The progress row of the block: moved on, and completion and success stamped the first
    time they are reached (SPEC 6), from the attempts as this transaction leaves them."""
    viewed = frozenset(row.section_id for row in _VIEWED.rows(write, where.params))
    status = BlockStatus(where.block, viewed, {q.id: quiz_status(q, attempts) for q in where.block.quizzes})
    now = utcnow()
    (stamps,) = _progress_statement(_dialect(write)).rows(write, {
        **where.params, "version": where.block.version, "last_section": last_section, "now": now,
        "completed_at": now if status.completed else None, "passed_at": now if status.passed else None,
    })
    events.block_progressed(write, where.user_id, where.course_id, status, *(stamp == now for stamp in stamps))
    return status


# -- steps viewed ------------------------------------------------------------------------------
def record_views(write: Session, rows: list[dict[str, Any]]) -> None:
    """Steps read (`where.params` with `section_id`), remembered together; each once."""
    if rows:
        now = utcnow()
        NEW_VIEWS.run(write, [{**row, "viewed_at": now} for row in rows])


def mark_viewed(write: Session, where: Where, section_id: str, position: str) -> None:
    """A step was read: remember it and where the learner goes next."""
    dialect = _dialect(write)
    if dialect == "postgresql":
        _LOCK.rows(write, {"user_id": where.user_id})
    if section_id:
        NEW_VIEWS.run(write, {**where.params, "section_id": section_id, "viewed_at": utcnow()})
    stamp_progress(write, where, _BLOCK_ATTEMPTS.rows(write, where.params), position)


# -- quizzes -------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuizAnswers:
    """A quiz form as the learner sent it, checked and scored before any lock is taken."""

    quiz: Quiz
    responses: dict[str, dict[str, Any]]
    scores: dict[str, Score]
    submit: bool
    anyway: bool = False  # submit even with questions unanswered: the learner was asked and said yes
    seed: int | None = None  # the seed the form was made with

    @classmethod
    def read(cls, quiz: Quiz, responses: dict[str, dict[str, Any]], submit: bool, anyway: bool = False,
             seed: int | None = None) -> QuizAnswers:
        """InvalidResponse when an answer does not fit its question: nothing is written then."""
        questions = {q.id: q for q in quiz.questions}
        scores = {qid: score_question(questions[qid], response) for qid, response in responses.items()}
        return cls(quiz, responses, scores, submit, anyway, seed)


class Outcome(StrEnum):
    DUPLICATE = "duplicate"  # this client id was recorded before: nothing more is written
    NO_ATTEMPTS = "no-attempts"  # the quiz takes no more attempts (used up, or a test already passed)
    SAVED = "saved"
    UNANSWERED = "unanswered"  # a submit with questions unanswered: saved, not submitted, until confirmed
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    number: int | None = None  # the attempt's number
    status: BlockStatus | None = None  # the block as the submission left it (when it was stamped)
    attempts: tuple[AttemptRow, ...] = ()  # the learner's attempts in the block, as this write left them
    unanswered: int = 0  # questions without an answer, when the outcome is UNANSWERED


class Writes:
    """Where a quiz submission's reads and rows go: here, straight to the database, statement by
    statement, for one submission. A device's batch (`player.domain.sync.Gathered`) carries the
    attempts from item to item and writes the rows of all its items at its end, those of each
    kind together. The rules of `record_quiz` are the same for both."""

    def __init__(self, write: Session) -> None:
        self.write = write

    def attempts(self, where: Where) -> list[AttemptRow]:
        """The learner's attempts in the block, in order."""
        return _BLOCK_ATTEMPTS.rows(self.write, where.params)

    def latest(self, status: QuizStatus) -> dict[str, Latest]:
        """The latest answer to each question of the open attempt (none without one)."""
        if status.open_attempt is None:
            return {}
        return {qid: Latest(response, Score(points, max_points)) for qid, response, points, max_points
                in _ANSWERS_OF.rows(self.write, {"attempt_id": status.open_attempt.id})}

    def new_attempt(self, values: dict[str, Any]) -> int:
        """Append an attempt row; its id."""
        (row,) = NEW_ATTEMPTS.returned(self.write, [values])
        return row.id

    def finish(self, attempt: AttemptRow) -> None:
        """An open attempt is submitted: its end, percent and success."""
        _SUBMIT.run(self.write, {"attempt_id": attempt.id, "now": attempt.submitted_at,
                                 "percent": attempt.percent, "passed": attempt.passed})

    def answers(self, attempt_id: int, rows: list[dict[str, Any]], latest: dict[str, Latest]) -> None:
        """Append answers to an attempt (`latest`: its latest answers with these among them)."""
        if rows:
            NEW_ANSWER.run(self.write, rows)

    def submitted(self, write: Session, where: Where, quiz: Quiz, attempt: AttemptRow, scores: dict[str, Score]) -> None:
        events.attempt_submitted(write, where.user_id, where.course_id, where.block, quiz, attempt, scores)


def record_quiz(write: Session, where: Where, given: QuizAnswers, client_id: str, *, batch: Writes | None = None) -> Recorded:
    """Save the answers given into the open attempt (starting one if attempts remain) and, when
    the form says submit, score the attempt from its latest answers (unanswered count zero).

    A submit that leaves questions unanswered only saves, so that no attempt is spent before the
    learner confirms (`given.anyway`). A device's batch (player.domain.sync) has claimed the
    client id already and passes its `Writes`, which carries the block's attempts from item to
    item and writes every item's rows at the batch's end; it stamps the progress row once then."""
    if batch is None and not claim(write, where.user_id, client_id):
        return Recorded(Outcome.DUPLICATE)
    writes = batch or Writes(write)
    attempts = writes.attempts(where)
    status = quiz_status(given.quiz, attempts)
    if status.open_attempt is None and (status.attempts_left == 0 or status.passed and given.quiz.kind != QuizKind.CHECK):
        return Recorded(Outcome.NO_ATTEMPTS, attempts=tuple(attempts))
    latest = writes.latest(status)
    missing = unanswered(given.quiz, {*latest, *given.responses}) if given.submit else 0
    if not given.submit or (missing and not given.anyway):
        attempt = status.open_attempt or _new_attempt(writes, where, status, given.seed)
        _append_answers(writes, attempt.id, given, latest)
        now = attempts if status.open_attempt else [*attempts, attempt]
        stamped = None if batch else stamp_progress(write, where, now)
        if not given.submit:
            return Recorded(Outcome.SAVED, attempt.number, stamped, tuple(now))
        return Recorded(Outcome.UNANSWERED, attempt.number, stamped, tuple(now), unanswered=missing)
    scores = {**{qid: answer.score for qid, answer in latest.items()}, **given.scores}
    percent = round(quiz_percent(given.quiz, scores), 2)
    finished = Finished(utcnow(), percent, passed(given.quiz, percent))
    if status.open_attempt is None:  # answered and submitted at once: the attempt is written finished
        done = _new_attempt(writes, where, status, given.seed, finished)
    else:
        done = status.open_attempt._replace(submitted_at=finished.at, percent=percent, passed=finished.passed)
        writes.finish(done)
    _append_answers(writes, done.id, given, latest)
    writes.submitted(write, where, given.quiz, done, scores)
    now = [*(a for a in attempts if a.id != done.id), done]
    return Recorded(Outcome.SUBMITTED, done.number, None if batch else stamp_progress(write, where, now), tuple(now))


@dataclass(frozen=True)
class Latest:
    """The latest answer to a question of an attempt: what counts."""

    response: dict[str, Any]
    score: Score


@dataclass(frozen=True)
class Finished:
    """How a submitted attempt ends: when, its percent, whether it passed."""

    at: datetime
    percent: float
    passed: bool


def _new_attempt(writes: Writes, where: Where, status: QuizStatus, shown: int | None,
                 finished: Finished | None = None) -> AttemptRow:
    """A new attempt, open, or already finished when it is answered and submitted at once. Its
    seed is the one its form was shown with (`shown`): a first-time visitor's page had no learner
    to make it from, and the guest their first save makes must not see the options move. Only
    the two seeds a page could have shown are taken, so a form cannot pick its own order."""
    number = 1 + max((a.number for a in status.submitted), default=0)
    ended = {"submitted_at": finished.at, "percent": finished.percent, "passed": finished.passed} if finished else \
        {"submitted_at": None, "percent": None, "passed": None}
    seed = attempt_seed(where.user_id, status.quiz.id, number)
    if shown is not None and shown == attempt_seed(None, status.quiz.id, number):
        seed = shown
    values = {**where.params, "quiz_id": status.quiz.id, "block_version": where.block.version, "number": number,
              "seed": seed, "started_at": utcnow(), **ended}
    attempt_id = writes.new_attempt(values)
    return AttemptRow(attempt_id, where.block.id, status.quiz.id, number, ended["submitted_at"], ended["percent"],
                      ended["passed"], seed)


def _append_answers(writes: Writes, attempt_id: int, given: QuizAnswers, latest: dict[str, Latest]) -> None:
    """Every answer that changed since the last save, appended in one statement: an attempt keeps
    each answer given, and the latest one per question counts."""
    now: datetime = utcnow()
    changed = {qid: response for qid, response in given.responses.items() if qid not in latest or latest[qid].response != response}
    rows = [{"attempt_id": attempt_id, "question_id": qid, "response": response, "points": given.scores[qid].points,
             "max_points": given.scores[qid].max_points, "created_at": now} for qid, response in changed.items()]
    writes.answers(attempt_id, rows, {**latest, **{qid: Latest(response, given.scores[qid]) for qid, response in changed.items()}})


# -- surveys -------------------------------------------------------------------------------
def record_survey(write: Session, where: Where, survey: Survey, responses: dict[str, dict[str, Any]], client_id: str) -> bool:
    """Store survey answers (checked first); False when the client id was recorded before."""
    rows = survey_rows(where, survey, responses)
    if not claim(write, where.user_id, client_id):
        return False
    if rows:
        NEW_SURVEY_ANSWER.run(write, rows)
    return True


def survey_rows(where: Where, survey: Survey, responses: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a survey's answers, each checked (InvalidResponse); a reflection is private
    unless its question says share=trainer."""
    shared = {q.id: q.share == "trainer" for q in survey.questions}
    for question in survey.questions:
        if question.id in responses:
            check_response(question, responses[question.id])
    now = utcnow()
    return [{**where.params, "survey_id": survey.id, "question_id": qid, "response": response,
             "shared": shared[qid], "created_at": now} for qid, response in responses.items() if qid in shared]
