"""The coordinator overview: people trained and block trainings, broken down and filtered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement, Date, Integer, Select, case, cast, distinct, extract, func, literal_column, select, union_all,
)
from sqlalchemy.orm import Session

from blocks.evaluation import APPLY, EVALUATION_ID
from player.domain.reports.common import YES, share
from player.store.models import Attendance, BlockProgress, Cohort, SurveyAnswer, User

# -- the coordinator overview ---------------------------------------------------------------
PERIODS = ("month", "quarter", "year")
BREAKDOWNS = ("courses", "blocks", "organisations", "countries", "periods")


@dataclass(frozen=True)
class OverviewFilter:
    course_id: str = ""
    start: date | None = None
    end: date | None = None
    period: str = "month"


@dataclass(frozen=True)
class OverviewRow:
    group: tuple[Any, ...] = ()  # (course,), (course, block), (organisation,), (country,) or (period key,)
    people: int = 0
    trainings: int = 0
    face_to_face: int = 0
    apply_yes: int = 0
    apply_answers: int = 0

    @property
    def apply_share(self) -> float | None:
        return share(self.apply_yes, self.apply_answers)


@dataclass(frozen=True)
class Overview:
    filter: OverviewFilter
    totals: OverviewRow
    breakdowns: dict[str, list[OverviewRow]] = field(default_factory=dict)


def _day(moment: Any) -> ColumnElement[date]:
    return func.date(moment, type_=Date)


def _trainings() -> Any:
    """One row per person and block they were trained in: completed online (the stamp
    progress writes) or attended face to face, dated by whichever came first."""
    online = select(
        BlockProgress.user_id, BlockProgress.course_id, BlockProgress.block_id,
        _day(BlockProgress.completed_at).label("day"), literal_column("0").label("f2f"),
    ).where(BlockProgress.completed_at.is_not(None))
    present = select(
        Attendance.user_id, Cohort.course_id, Attendance.block_id,
        Attendance.session_date.label("day"), literal_column("1").label("f2f"),
    ).join(Cohort, Cohort.id == Attendance.cohort_id)
    both = union_all(online, present).subquery()
    return (
        select(both.c.user_id, both.c.course_id, both.c.block_id,
               func.min(both.c.day).label("day"), func.max(both.c.f2f).label("f2f"))
        .group_by(both.c.user_id, both.c.course_id, both.c.block_id)
        .subquery()
    )


def _apply_answers() -> Any:
    """Each person's latest "I can apply this directly" answer per course and block."""
    latest = (
        select(func.max(SurveyAnswer.id))
        .where(SurveyAnswer.survey_id == EVALUATION_ID, SurveyAnswer.question_id == APPLY)
        .group_by(SurveyAnswer.user_id, SurveyAnswer.course_id, SurveyAnswer.block_id)
    )
    return select(
        SurveyAnswer.user_id, SurveyAnswer.course_id, SurveyAnswer.block_id,
        _day(SurveyAnswer.created_at).label("day"), SurveyAnswer.response["value"].as_integer().label("value"),
    ).where(SurveyAnswer.id.in_(latest)).subquery()


def _period(day: Any, period: str) -> ColumnElement[int]:
    """A sortable number for the period a day falls in: 202603 (month), 20261 (quarter), 2026."""
    year = cast(extract("year", day), Integer)
    month = cast(extract("month", day), Integer)
    if period == "year":
        return year
    if period == "quarter":
        return year * 10 + (month + 2) // 3
    return year * 100 + month


def _groups(breakdown: str, source: Any, period: str) -> list[ColumnElement[Any]]:
    return {
        "courses": lambda: [source.c.course_id],
        "blocks": lambda: [source.c.course_id, source.c.block_id],
        "organisations": lambda: [User.organisation],
        "countries": lambda: [User.country],
        "periods": lambda: [_period(source.c.day, period)],
        "": lambda: [],
    }[breakdown]()


def _filtered(query: Select, source: Any, chosen: OverviewFilter) -> Select:
    """Signed-up people only (a guest may be one person on several devices), within the filter."""
    query = query.join(User, User.id == source.c.user_id).where(User.email.is_not(None))
    if chosen.course_id:
        query = query.where(source.c.course_id == chosen.course_id)
    if chosen.start:
        query = query.where(source.c.day >= chosen.start)
    if chosen.end:
        query = query.where(source.c.day <= chosen.end)
    return query


def _breakdown(db: Session, chosen: OverviewFilter, breakdown: str) -> list[OverviewRow]:
    trained, applied = _trainings(), _apply_answers()
    groups = _groups(breakdown, trained, chosen.period)
    counts = _filtered(select(
        *groups, func.count(distinct(trained.c.user_id)), func.count(), func.sum(trained.c.f2f),
    ).select_from(trained), trained, chosen).group_by(*groups)
    apply_groups = _groups(breakdown, applied, chosen.period)
    answers = _filtered(select(
        *apply_groups, func.sum(case((applied.c.value == YES, 1), else_=0)), func.count(applied.c.value),
    ).select_from(applied), applied, chosen).group_by(*apply_groups)
    width = len(groups)
    rows: dict[tuple[Any, ...], dict[str, int]] = defaultdict(dict)
    for r in db.execute(counts):
        rows[tuple(r[:width])].update(people=r[width], trainings=r[width + 1], face_to_face=int(r[width + 2] or 0))
    for r in db.execute(answers):
        rows[tuple(r[:width])].update(apply_yes=int(r[width] or 0), apply_answers=r[width + 1])
    return [OverviewRow(group, **figures) for group, figures in sorted(rows.items(), key=lambda item: _sort_key(item[0]))]


def _sort_key(group: Iterable[Any]) -> tuple[str, ...]:
    return tuple("" if value is None else f"{value:>12}" if isinstance(value, int) else str(value) for value in group)


def overview(db: Session, chosen: OverviewFilter) -> Overview:
    """People trained by course, block, organisation, country and period; two queries each."""
    totals = _breakdown(db, chosen, "")
    return Overview(chosen, totals[0] if totals else OverviewRow(), {b: _breakdown(db, chosen, b) for b in BREAKDOWNS})
