"""The outbox: messages to other systems (xAPI statements, LTI scores), written in the same
transaction as the event they report and sent later by a worker (`coursepack xapi send`,
`coursepack lti send`), never by a learner's request.

Each message's id is fixed when it is written, so sending it again after an answer was lost
(the connection dropped after the other side stored it) never makes a second copy there. A
failure that sending again may mend (no connection, a 5xx, a refused login) is retried with
exponential backoff; one that it cannot (the other side holds a different statement under the
same id, or calls the message malformed) is marked failed with the reason, for an admin to read.

A batch is sent while its rows are locked in the worker's transaction (PostgreSQL: FOR UPDATE
SKIP LOCKED, so two workers never send the same rows; SQLite: the write lock). Erasing a
learner deletes their rows in a transaction of its own, which therefore waits for a batch in
flight: once the erasure has committed, nothing of theirs is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from player.store.database import writing
from player.store.models import OutboxMessage, utcnow

CHANNELS = ("xapi", "lti-score")
BATCH = 50
MAX_ATTEMPTS = 12  # with the waits below, about two and a half days of trying
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
KEEP_SENT = timedelta(days=30)  # sent rows stay this long for an admin to look at, then go


@dataclass(frozen=True)
class Outcome:
    """What became of one message: sent, or not with the reason; `final` when sending it again
    cannot help."""

    sent: bool
    error: str = ""
    final: bool = False


SENT = Outcome(True)
Sender = Callable[[Sequence[OutboxMessage]], dict[str, Outcome]]


@dataclass(frozen=True)
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Status:
    """What an admin sees of a channel: counts by state, and the messages that are stuck."""

    counts: dict[str, int]
    problems: list[OutboxMessage]


def enqueue(db: Session, channel: str, user_id: int, payload: dict[str, Any], *, message_id: str | None = None,
            target: str = "", platform_id: int | None = None) -> OutboxMessage:
    """Write a message in the caller's transaction; it is sent only if that commits."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown outbox channel {channel!r}")
    message = OutboxMessage(id=message_id or str(uuid.uuid4()), channel=channel, user_id=user_id, payload=payload,
                            target=target, platform_id=platform_id, next_attempt_at=utcnow())
    db.add(message)
    return message


def wait_after(attempts: int) -> timedelta:
    """How long to wait after the given number of failed tries: doubling, up to a ceiling."""
    return min(FIRST_WAIT * 2 ** max(0, attempts - 1), LONGEST_WAIT)


def _due(db: Session, channel: str, now: datetime, limit: int) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.scalars(query))


def _record(message: OutboxMessage, outcome: Outcome, now: datetime) -> None:
    message.attempts += 1
    message.last_error = outcome.error
    if outcome.sent:
        message.status, message.sent_at = "sent", now
    elif outcome.final or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + wait_after(message.attempts)


def deliver(engine: Engine, channel: str, send: Sender, now: Callable[[], datetime] = utcnow, batch: int = BATCH) -> Delivered:
    """Send every message that is due, batch by batch; stop at a batch of which nothing went
    through (the other side is down: the next run tries again, after the backoff)."""
    totals = {"sent": 0, "retrying": 0, "failed": 0}
    while True:
        with writing(engine) as write:
            messages = _due(write, channel, now(), batch)
            if not messages:
                break
            outcomes = send(messages)
            for message in messages:
                _record(message, outcomes.get(message.id, Outcome(False, "no answer for this message")), now())
            states = [m.status for m in messages]
        totals["sent"] += states.count("sent")
        totals["failed"] += states.count("failed")
        totals["retrying"] += states.count("pending")
        if "sent" not in states:
            break
    with writing(engine) as write:
        prune_sent(write, channel, now() - KEEP_SENT)
    return Delivered(**totals)


def prune_sent(db: Session, channel: str, before: datetime) -> int:
    result = db.execute(delete(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.status == "sent", OutboxMessage.sent_at < before))
    return result.rowcount or 0


def status(db: Session, channel: str, limit: int = 50) -> Status:
    """Counts by state, and the failed messages and those being retried, oldest first."""
    counts = dict.fromkeys(("pending", "sent", "failed"), 0)
    for state, n in db.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.channel == channel)
                               .group_by(OutboxMessage.status)):
        counts[state] = n
    problems = db.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.last_error != "",
                                    OutboxMessage.status != "sent")
        .order_by(OutboxMessage.created_at).limit(limit))
    return Status(counts, list(problems))


def retry_failed(db: Session, channel: str) -> int:
    """Put failed messages back in the queue (after the cause, say a wrong secret, is mended)."""
    result = db.execute(update(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.status == "failed")
                        .values(status="pending", attempts=0, next_attempt_at=utcnow()))
    return result.rowcount or 0
