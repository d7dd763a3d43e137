"""The cohort grid: each learner's state in each block of a course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from blocks.model import Block, Course
from player.domain.progress import State
from player.domain.reports.common import Learner, member_ids, members
from player.store.models import Attendance, BlockProgress, Cohort


def state_of(started: bool, completed_at: datetime | None, passed_at: datetime | None) -> State:
    """A block's state from the stamps that progress.update_completion writes when a learner
    first completes or passes it: the grid reads SPEC 6 as the player decided it."""
    if passed_at is not None:
        return State.PASSED
    if completed_at is not None:
        return State.COMPLETED
    return State.IN_PROGRESS if started else State.NOT_STARTED


@dataclass(frozen=True)
class GridRow:
    learner: Learner
    states: dict[str, State]
    sessions: int  # face-to-face sessions attended

    @property
    def completed(self) -> int:
        return sum(s in (State.COMPLETED, State.PASSED) for s in self.states.values())


@dataclass(frozen=True)
class Grid:
    blocks: tuple[Block, ...]
    rows: tuple[GridRow, ...]

    def count(self, block_id: str, *states: State) -> int:
        return sum(row.states[block_id] in states for row in self.rows)


def _states(db: Session, course_id: str, user_ids: Select | list[int]) -> dict[tuple[int, str], State]:
    """(learner, block) -> state for every block a learner started; one query."""
    stamps = db.execute(
        select(BlockProgress.user_id, BlockProgress.block_id, BlockProgress.completed_at, BlockProgress.passed_at)
        .where(BlockProgress.course_id == course_id, BlockProgress.user_id.in_(user_ids))
    )
    return {(r.user_id, r.block_id): state_of(True, r.completed_at, r.passed_at) for r in stamps}


def learner_states(db: Session, user_id: int, course: Course) -> dict[str, State]:
    """One learner's state in each block, as the cohort grid shows it."""
    found = _states(db, course.id, [user_id])
    return {b.id: found.get((user_id, b.id), State.NOT_STARTED) for b in course.blocks}


def cohort_grid(db: Session, cohort: Cohort, course: Course) -> Grid:
    """Learners by blocks, each cell a state; three queries."""
    learners = members(db, cohort.id)
    found = _states(db, course.id, member_ids(cohort.id))
    sessions = dict(db.execute(
        select(Attendance.user_id, func.count()).where(Attendance.cohort_id == cohort.id).group_by(Attendance.user_id)
    ).all())
    rows = tuple(
        GridRow(
            learner,
            {b.id: found.get((learner.id, b.id), State.NOT_STARTED) for b in course.blocks},
            sessions.get(learner.id, 0),
        )
        for learner in learners
    )
    return Grid(course.blocks, rows)
