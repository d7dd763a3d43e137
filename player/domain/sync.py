"""A device's queue of submissions, recorded in one transaction (SPEC section 12, docs/offline.md).

A tablet that was offline sends what it queued (quiz answers, surveys, steps seen), oldest
first, in batches. Each item goes through the same write path as the online form
(`player.domain.recording`), inside the batch's one transaction, so each client id is recorded
at most once however often the batch is sent. Every item gets an answer:

- recorded: it counted (an attempt, a save, a survey, a step seen);
- already recorded: its client id was recorded before (a batch sent again, or its reply lost);
- held: it could not count and is kept whole for the learner (`HeldSubmission`): its quiz was
  out of attempts, or its block changed since it was downloaded. Never dropped;
- refused: it cannot be read (a malformed item, an unknown address); the device keeps it.

Attempts are append-only: two tablets of one learner both keep their attempts, up to the
quiz's limit; what goes beyond is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.model import Quiz, Survey
from blocks.scoring import Score
from player.domain.progress import AttemptRow, QuizStatus
from player.domain.recording import (
    NEW_ANSWER, NEW_ATTEMPTS, NEW_HELD, NEW_SURVEY_ANSWER, Latest, Outcome, QuizAnswers, Recorded, Where, Writes, claim_all, lock_learner, record_quiz, record_views,
    stamp_progress, survey_rows,
)
from player.store.models import Answer, HeldSubmission, SectionView, SurveyAnswer, utcnow

MAX_ITEMS = 100  # per batch: a device sends a longer queue in several


class Status(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already recorded"
    HELD = "held"
    REFUSED = "refused"


class Held(StrEnum):
    """Why a synced submission was kept instead of counted."""

    NO_ATTEMPTS = "no-attempts"
    CONTENT_CHANGED = "content-changed"


@dataclass(frozen=True)
class Synced:
    """The answer for one item of a batch."""

    client_id: str
    status: Status
    reason: str = ""  # a Held code, or why an item was refused
    attempt: int | None = None  # a submitted quiz's attempt number


# -- what an item asks for (read and checked before the transaction) ----------------------------
@dataclass(frozen=True)
class QuizItem:
    where: Where
    given: QuizAnswers


@dataclass(frozen=True)
class SurveyItem:
    where: Where
    survey: Survey
    responses: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ViewItem:
    where: Where
    section_id: str  # "" for the closing evaluation step
    position: str  # where the learner went next


@dataclass(frozen=True)
class Queued:
    """One item of a batch, as read: what to record, or why it is held or refused."""

    client_id: str
    payload: dict[str, Any]
    work: QuizItem | SurveyItem | ViewItem | None = None
    held: Held | None = None  # decided before writing (the block changed)
    held_where: Where | None = None
    refused: str = ""


def record_batch(write: Session, user_id: int, items: list[Queued]) -> list[Synced]:
    """Record a device's items in order, in the caller's one transaction; an answer per item.

    The rules are those of one submission (`player.domain.recording`), item after item; only
    the writing is gathered: the learner's row is locked once, the client ids claimed together,
    each block's attempts read once and carried from item to item, and at the end the attempts,
    answers, held items, survey answers and steps seen each written together (multi-row
    INSERTs of `store.database.Append`, a statement per group of rows: 16 claims, 4 attempts)
    and each block's progress row stamped once. A batch of 20 costs 12 statements."""
    lock_learner(write, user_id)
    wanted = list(dict.fromkeys(item.client_id for item in items if not item.refused))
    fresh = claim_all(write, user_id, wanted)
    gathered = Gathered(write)
    results: list[Synced | None] = []
    for item in items:
        first = item.client_id in fresh
        fresh.discard(item.client_id)  # the same client id twice in a batch: the second was recorded before
        results.append(_record(gathered, user_id, item) if first or item.refused else None)
    gathered.write_all()
    held = _held_reasons(write, [item.client_id for item, found in zip(items, results) if found is None])
    return [found or _already(item.client_id, held) for item, found in zip(items, results)]


def _already(client_id: str, held: dict[str, str]) -> Synced:
    """A client id recorded before: held then (and still held), or recorded then."""
    return Synced(client_id, Status.HELD, held[client_id]) if client_id in held else Synced(client_id, Status.ALREADY)


class Gathered(Writes):
    """A batch's writes: attempts carried from item to item in memory, rows written at the end.

    A new attempt has a stand-in id (negative) until the attempts are written; answers to it,
    its being submitted by a later item, and the hooks that report it follow it there."""

    def __init__(self, write: Session) -> None:
        super().__init__(write)
        self.blocks: dict[tuple[str, str], Where] = {}
        self.carried: dict[tuple[str, str], list[AttemptRow]] = {}
        self.positions: dict[tuple[str, str], str] = {}  # where the learner went next, by the last step seen
        self.known: dict[int, dict[str, Latest]] = {}  # latest answers of open attempts, by attempt id
        self.new: dict[int, dict[str, Any]] = {}  # stand-in id: the attempt's row
        self.finished: list[AttemptRow] = []  # attempts open before the batch, submitted in it
        self.rows: dict[type, list[dict[str, Any]]] = {Answer: [], HeldSubmission: [], SurveyAnswer: [], SectionView: []}
        self.reports: list[tuple[Where, Quiz, AttemptRow, dict[str, Score]]] = []

    def touch(self, where: Where) -> tuple[str, str]:
        key = (where.course_id, where.block.id)
        if key not in self.blocks:
            self.blocks[key] = where
            self.carried[key] = super().attempts(where)
        return key

    def attempts(self, where: Where) -> list[AttemptRow]:
        return self.carried[self.touch(where)]

    def latest(self, status: QuizStatus) -> dict[str, Latest]:
        if status.open_attempt is None:
            return {}
        if status.open_attempt.id not in self.known:
            self.known[status.open_attempt.id] = super().latest(status)
        return self.known[status.open_attempt.id]

    def new_attempt(self, values: dict[str, Any]) -> int:
        stand_in = -1 - len(self.new)
        self.new[stand_in] = values
        return stand_in

    def finish(self, attempt: AttemptRow) -> None:
        if attempt.id in self.new:
            self.new[attempt.id].update(submitted_at=attempt.submitted_at, percent=attempt.percent, passed=attempt.passed)
        else:
            self.finished.append(attempt)

    def answers(self, attempt_id: int, rows: list[dict[str, Any]], latest: dict[str, Latest]) -> None:
        self.rows[Answer] += rows
        self.known[attempt_id] = latest

    def submitted(self, write: Session, where: Where, quiz: Quiz, attempt: AttemptRow, scores: dict[str, Score]) -> None:
        self.reports.append((where, quiz, attempt, scores))

    def recorded(self, where: Where, recorded: Recorded) -> None:
        """The block's attempts as an item left them, for the next item."""
        if recorded.outcome != Outcome.DUPLICATE:
            self.carried[self.touch(where)] = list(recorded.attempts)

    def viewed(self, where: Where, section_id: str, position: str) -> None:
        self.positions[self.touch(where)] = position
        if section_id:
            self.rows[SectionView].append({**where.params, "section_id": section_id})

    def write_all(self) -> None:
        """Every gathered row, the rows of each kind together; then each block's progress, once."""
        ids: dict[int, int] = {}
        if self.new:  # a batch's new attempts differ in block, quiz or number: that names each one
            stand_ins = {_attempt_key(values): stand_in for stand_in, values in self.new.items()}
            returned = NEW_ATTEMPTS.returned(self.write, list(self.new.values()))
            ids = {stand_ins[(course_id, block_id, quiz_id, number)]: attempt_id
                   for attempt_id, course_id, block_id, quiz_id, number in returned}

        def real(attempt_id: int) -> int:
            return ids.get(attempt_id, attempt_id)

        for attempt in self.finished:  # rare: an attempt saved online, submitted from the device
            super().finish(attempt)
        for row in self.rows[Answer]:
            row["attempt_id"] = real(row["attempt_id"])
        for rows, statement in ((self.rows[Answer], NEW_ANSWER), (self.rows[SurveyAnswer], NEW_SURVEY_ANSWER)):
            if rows:
                statement.run(self.write, rows)  # the driver's executemany: a batch's answers are most of its rows
        if self.rows[HeldSubmission]:  # rare: kept whole, not counted
            NEW_HELD.run(self.write, self.rows[HeldSubmission])
        record_views(self.write, self.rows[SectionView])
        for where, quiz, attempt, scores in self.reports:
            super().submitted(self.write, where, quiz, attempt._replace(id=real(attempt.id)), scores)
        for key, where in self.blocks.items():
            attempts = [attempt._replace(id=real(attempt.id)) for attempt in self.carried[key]]
            stamp_progress(self.write, where, attempts, self.positions.get(key, ""))


def _attempt_key(values: dict[str, Any]) -> tuple[str, str, str, int]:
    return values["course_id"], values["block_id"], values["quiz_id"], values["number"]


def _record(gathered: Gathered, user_id: int, item: Queued) -> Synced:
    """One item whose client id this batch has just claimed (or a refused one)."""
    if item.refused:
        return Synced(item.client_id, Status.REFUSED, item.refused)
    if item.held is not None and item.held_where is not None:
        return _hold(gathered, item.held_where, item, item.held)
    work = item.work
    if isinstance(work, QuizItem):
        recorded = record_quiz(gathered.write, work.where, work.given, item.client_id, batch=gathered)
        gathered.recorded(work.where, recorded)
        if recorded.outcome == Outcome.NO_ATTEMPTS:
            return _hold(gathered, work.where, item, Held.NO_ATTEMPTS)
        return Synced(item.client_id, Status.RECORDED, attempt=recorded.number if recorded.outcome == Outcome.SUBMITTED else None)
    if isinstance(work, SurveyItem):
        gathered.rows[SurveyAnswer] += survey_rows(work.where, work.survey, work.responses)
        return Synced(item.client_id, Status.RECORDED)
    if isinstance(work, ViewItem):
        gathered.viewed(work.where, work.section_id, work.position)
        return Synced(item.client_id, Status.RECORDED)
    raise TypeError(f"nothing to record for {item.client_id}")


def _hold(gathered: Gathered, where: Where, item: Queued, reason: Held) -> Synced:
    """Keep an item that cannot count; its client id is claimed, so a resend holds nothing twice."""
    gathered.rows[HeldSubmission].append({
        "client_id": item.client_id, "user_id": where.user_id, "course_id": where.course_id, "block_id": where.block.id,
        "reason": reason.value, "payload": item.payload, "created_at": utcnow(),
    })
    return Synced(item.client_id, Status.HELD, reason.value)


def _held_reasons(write: Session, client_ids: list[str]) -> dict[str, str]:
    """Of client ids recorded before, those held then (and still held), with why."""
    if not client_ids:
        return {}
    found = write.connection().execute(
        select(HeldSubmission.client_id, HeldSubmission.reason).where(HeldSubmission.client_id.in_(client_ids)))
    return {client_id: reason for client_id, reason in found}
