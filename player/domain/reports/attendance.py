"""The attendance sheet of a face-to-face cohort."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.model import Block, Course
from player.domain.reports.common import Learner, members
from player.store.models import Attendance, Cohort


@dataclass(frozen=True)
class AttendanceSheet:
    blocks: tuple[Block, ...]
    rows: tuple[tuple[Learner, dict[str, list[date]]], ...]

    def attendees(self, block_id: str) -> int:
        return sum(bool(days.get(block_id)) for _learner, days in self.rows)


def attendance(db: Session, cohort: Cohort, course: Course) -> AttendanceSheet:
    """Who attended which block on which dates; two queries."""
    days: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for user_id, block_id, day in db.execute(
        select(Attendance.user_id, Attendance.block_id, Attendance.session_date)
        .where(Attendance.cohort_id == cohort.id).order_by(Attendance.session_date)
    ):
        days[user_id][block_id].append(day)
    return AttendanceSheet(course.blocks, tuple((m, dict(days.get(m.id, {}))) for m in members(db, cohort.id)))
