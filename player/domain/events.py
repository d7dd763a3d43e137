"""What other systems hear of a learner's progress: the two hooks `player.domain.recording`
calls where it scores a submitted attempt and where it stamps a block's start, completion and
success.

Each hook only writes outbox rows in the caller's transaction (xAPI statements when an LRS is
configured, an LTI score when the learner came from an LMS link with a grade column), so the
messages exist exactly when the event does, and no request waits on the network. The write
transaction carries the deployment's settings in `Session.info[SETTINGS]` (the web layer puts
them there); a transaction without them (a CLI command, a test's own session) reports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from blocks.model import Block, Quiz
from blocks.scoring import Score
from player.domain import lti_grades, xapi
from player.domain.progress import AttemptRow, BlockStatus

SETTINGS = "coursepack.events"


@dataclass(frozen=True)
class Listeners:
    """Who listens in this deployment: an LRS (or nobody), and LMS grade columns (always)."""

    xapi: xapi.XapiSettings | None = None


def _listeners(db: Session) -> Listeners | None:
    return db.info.get(SETTINGS)


def attempt_submitted(db: Session, user_id: int, course_id: str, block: Block, quiz: Quiz, attempt: AttemptRow,
                      scores: dict[str, Score]) -> None:
    listeners = _listeners(db)
    if listeners and listeners.xapi:
        xapi.quiz_submitted(db, listeners.xapi, user_id, course_id, block, quiz, attempt, scores)


def block_progressed(db: Session, user_id: int, course_id: str, status: BlockStatus, started: bool, completed: bool,
                     passed: bool) -> None:
    """The block's progress row was written: `started`, `completed`, `passed` say which of its
    stamps (start, completion, success) were set now, for the first time."""
    listeners = _listeners(db)
    if listeners is None or not (started or completed or passed):
        return
    if listeners.xapi and started:
        xapi.block_started(db, listeners.xapi, user_id, course_id, status.block)
    if listeners.xapi and (completed or passed):
        xapi.block_finished(db, listeners.xapi, user_id, course_id, status.block, completed,
                            True if passed else False if completed else None)
    if completed or passed:
        lti_grades.queue_score(db, user_id, course_id, status)
