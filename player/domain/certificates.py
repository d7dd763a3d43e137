"""Certificates: issued once per learner and course (or block), stating how the learner took it.

A block a learner's trainer marked them present at (the attendance sheet of a cohort of the
course) was taken face to face, for the block's `duration`, the session's length. Any other
block was taken self-paced online, for the time the player gives it: `self_paced_minutes`, or
`duration` when the block states none. A course certificate adds up its blocks; taken both
ways, it is "blended".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.model import Block, Course
from player.store.models import Attendance, Certificate, Cohort

if TYPE_CHECKING:
    from player.domain.accounts import Visitor


@dataclass(frozen=True)
class TrainingTime:
    """How a learner took a course or block, and for how long."""

    mode: str  # one of player.store.models.CERTIFICATE_MODES
    minutes: int


def online_minutes(block: Block) -> int:
    """A block's length as the player states it to a learner taking it on their own."""
    return block.self_paced_minutes or block.duration


def training_time(db: Session, user_id: int, course: Course, blocks: list[Block]) -> TrainingTime:
    """The mode and minutes true for how this learner took these blocks of the course."""
    attended = set(db.scalars(
        select(Attendance.block_id).join(Cohort, Cohort.id == Attendance.cohort_id)
        .where(Attendance.user_id == user_id, Cohort.course_id == course.id)
    ))
    modes = {"face-to-face" if block.id in attended else "online" for block in blocks}
    minutes = sum(block.duration if block.id in attended else online_minutes(block) for block in blocks)
    return TrainingTime(modes.pop() if len(modes) == 1 else "blended", minutes)


def issue_certificate(db: Session, user: Visitor, course: Course, block: Block | None) -> Certificate:
    """One certificate per learner and course (or block); asking again returns the same one."""
    block_id = block.id if block else ""
    existing = db.scalars(select(Certificate).filter_by(user_id=user.id, course_id=course.id, block_id=block_id)).first()
    if existing:
        return existing
    time = training_time(db, user.id, course, [block] if block else list(course.blocks))
    certificate = Certificate(
        user_id=user.id, course_id=course.id, block_id=block_id, name=user.name or user.email or "",
        title=block.title if block else course.title, mode=time.mode, minutes=time.minutes,
        hours=round(time.minutes / 60, 2),
    )
    db.add(certificate)
    db.flush()
    return certificate
