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

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from blocks.model import Survey
from player.domain.progress import AttemptRow
from player.domain.recording import (
    Outcome, QuizAnswers, Where, block_attempts, claim, lock_learner, mark_viewed, record_quiz, record_survey, stamp_progress,
)
from player.store.models import HeldSubmission, utcnow

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


Touched = dict[tuple[str, str], tuple[Where, list[AttemptRow]]]  # per course and block: its attempts so far


def record_batch(write: Session, user_id: int, items: list[Queued]) -> list[Synced]:
    """Record a device's items in order, in the caller's one transaction; an answer per item.

    The learner's row is locked once, each block's attempts are read once and carried from item
    to item, and each block's progress row is stamped once, after its last item: the rules of
    one submission, with a few statements per item instead of eight."""
    lock_learner(write, user_id)
    touched: Touched = {}
    results = [_record(write, user_id, item, touched) for item in items]
    for where, attempts in touched.values():
        stamp_progress(write, where, attempts)
    return results


def _quiz(write: Session, work: QuizItem, client_id: str, touched: Touched) -> tuple[Outcome, int | None]:
    key = (work.where.course_id, work.where.block.id)
    if key not in touched:
        touched[key] = (work.where, block_attempts(write, work.where))
    recorded = record_quiz(write, work.where, work.given, client_id, known=touched[key][1], batch=True)
    touched[key] = (work.where, list(recorded.attempts))
    return recorded.outcome, recorded.number


def _record(write: Session, user_id: int, item: Queued, touched: Touched) -> Synced:
    if item.refused:
        return Synced(item.client_id, Status.REFUSED, item.refused)
    if item.held is not None and item.held_where is not None:
        return _hold(write, item.held_where, item, item.held, claimed=False)
    work = item.work
    if isinstance(work, QuizItem):
        outcome, number = _quiz(write, work, item.client_id, touched)
        if outcome == Outcome.DUPLICATE:
            return _already(write, item.client_id)
        if outcome == Outcome.NO_ATTEMPTS:
            return _hold(write, work.where, item, Held.NO_ATTEMPTS, claimed=True)
        return Synced(item.client_id, Status.RECORDED, attempt=number if outcome == Outcome.SUBMITTED else None)
    if isinstance(work, SurveyItem):
        fresh = record_survey(write, work.where, work.survey, work.responses, item.client_id)
        return Synced(item.client_id, Status.RECORDED) if fresh else _already(write, item.client_id)
    if isinstance(work, ViewItem):
        if not claim(write.connection(), user_id, item.client_id):
            return _already(write, item.client_id)
        mark_viewed(write, work.where, work.section_id, work.position)
        return Synced(item.client_id, Status.RECORDED)
    raise TypeError(f"nothing to record for {item.client_id}")


def _hold(write: Session, where: Where, item: Queued, reason: Held, *, claimed: bool) -> Synced:
    """Keep an item that cannot count; its client id claimed, so a resend holds nothing twice."""
    if not claimed and not claim(write.connection(), where.user_id, item.client_id):
        return _already(write, item.client_id)
    write.connection().execute(insert(HeldSubmission), [{
        "client_id": item.client_id, "user_id": where.user_id, "course_id": where.course_id, "block_id": where.block.id,
        "reason": reason.value, "payload": item.payload, "created_at": utcnow(),
    }])
    return Synced(item.client_id, Status.HELD, reason.value)


def _already(write: Session, client_id: str) -> Synced:
    """A client id seen before: held then (and still held), or recorded then."""
    reason = write.connection().execute(select(HeldSubmission.reason).where(HeldSubmission.client_id == client_id)).scalar()
    return Synced(client_id, Status.HELD, reason) if reason else Synced(client_id, Status.ALREADY)
