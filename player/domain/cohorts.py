"""Cohorts: who may see one, joining with a code, and the attendance sheet.

No request objects in here: the views pass the user and plain values.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from player.store.models import Attendance, Cohort, CohortTrainer, Membership

if TYPE_CHECKING:
    from player.domain.accounts import Visitor

# Read aloud in a training room and typed on a phone: no 0/O or 1/I to confuse.
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


@dataclass(frozen=True)
class CohortDetails:
    name: str
    course_id: str
    lang: str
    mode: str
    starts_on: date | None
    ends_on: date | None


def create_cohort(db: Session, trainer_id: int, details: CohortDetails) -> Cohort:
    cohort = Cohort(
        name=details.name, course_id=details.course_id, lang=details.lang, mode=details.mode,
        starts_on=details.starts_on, ends_on=details.ends_on, trainer_id=trainer_id, join_code=new_join_code(),
    )
    db.add(cohort)
    db.flush()
    return cohort


def _led_by(user_id: int) -> ColumnElement[bool]:
    """Cohorts the user leads, or helps lead (an LMS course's other instructors)."""
    helping = select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user_id)
    return or_(Cohort.trainer_id == user_id, Cohort.id.in_(helping))


def cohort_for(db: Session, cohort_id: int, user: Visitor) -> Cohort | None:
    """The cohort if this user may see it: an admin every cohort, a trainer only their own."""
    query = select(Cohort).where(Cohort.id == cohort_id)
    if user.role != "admin":
        query = query.where(_led_by(user.id))
    return db.scalars(query).first()


def visible_cohorts(db: Session, user: Visitor) -> list[tuple[Cohort, int]]:
    """The cohorts this user may see, newest first, with their number of learners."""
    learners = (
        select(Membership.cohort_id, func.count().label("n")).group_by(Membership.cohort_id).subquery()
    )
    query = (
        select(Cohort, func.coalesce(learners.c.n, 0))
        .outerjoin(learners, learners.c.cohort_id == Cohort.id)
        .order_by(Cohort.created_at.desc(), Cohort.id.desc())
    )
    if user.role != "admin":
        query = query.where(_led_by(user.id))
    return [(cohort, n) for cohort, n in db.execute(query)]


def find_by_code(db: Session, code: str) -> Cohort | None:
    """The cohort a join code opens; codes are matched as typed or in capitals."""
    code = code.strip()
    if not code:
        return None
    return db.scalars(select(Cohort).where(Cohort.join_code.in_({code, code.upper()}))).first()


def is_member(db: Session, cohort_id: int, user_id: int) -> bool:
    return db.scalar(select(Membership.id).filter_by(cohort_id=cohort_id, user_id=user_id)) is not None


def join(db: Session, cohort: Cohort, user_id: int) -> bool:
    """Put the learner in the cohort; False when they were in it already."""
    if is_member(db, cohort.id, user_id):
        return False
    db.add(Membership(cohort_id=cohort.id, user_id=user_id))
    db.flush()
    return True


def member_ids(db: Session, cohort_id: int) -> set[int]:
    return set(db.scalars(select(Membership.user_id).where(Membership.cohort_id == cohort_id)))


def record_attendance(db: Session, cohort: Cohort, block_id: str, day: date, present: set[int]) -> None:
    """The sheet for one block on one day: exactly the learners ticked are marked present.

    Sending the sheet again with a tick removed corrects a mistake; ids of people outside the
    cohort are ignored.
    """
    present = present & member_ids(db, cohort.id)
    where = (Attendance.cohort_id == cohort.id, Attendance.block_id == block_id, Attendance.session_date == day)
    db.execute(delete(Attendance).where(*where, Attendance.user_id.not_in(present)))
    already = set(db.scalars(select(Attendance.user_id).where(*where)))
    db.add_all(Attendance(cohort_id=cohort.id, user_id=uid, block_id=block_id, session_date=day) for uid in present - already)
    db.flush()
