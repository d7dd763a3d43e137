"""What trainers and coordinators read about a cohort or a programme, from SQL aggregates.

No request objects in here: every function takes a database session, the content and plain
values, so the pages, the CSV files, the bench and the tests share one set of figures. Each
report runs a fixed handful of queries whatever the number of learners (no query per learner),
and the rows it reads grow with learners times blocks, so the cost grows linearly.

Figures are rounded here, to one decimal, once: the page and the CSV print them as they are.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement, Date, Integer, Select, Text, and_, case, cast, distinct, extract, func, literal_column, select,
    tuple_, union_all,
)
from sqlalchemy.orm import Session

from blocks.evaluation import APPLY, CONFIDENCE_AFTER, CONFIDENCE_BEFORE, EVALUATION_ID, RELEVANCE, USEFULNESS
from blocks.model import Block, Course, Question, QuestionType, Quiz, QuizKind
from player.domain.progress import State
from player.store.models import Answer, Attempt, Attendance, BlockProgress, Cohort, Membership, SurveyAnswer, User

YES = 2  # the stored value of "Yes" on the yesno scale (1 = No)
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def mean(value: Any) -> float | None:
    """An average from the database (PostgreSQL gives Decimal) with one decimal."""
    return None if value is None else round(float(value), 1)


# -- the people of a cohort -----------------------------------------------------------------
@dataclass(frozen=True)
class Learner:
    id: int
    name: str
    email: str
    organisation: str
    country: str

    @property
    def label(self) -> str:
        return self.name or self.email


def members(db: Session, cohort_id: int) -> list[Learner]:
    """The cohort's learners by name, sorted here: databases collate text differently."""
    rows = db.execute(
        select(User.id, User.name, User.email, User.organisation, User.country)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort_id)
    )
    learners = [Learner(r.id, r.name, r.email or "", r.organisation, r.country) for r in rows]
    return sorted(learners, key=lambda learner: (learner.label.casefold(), learner.id))


def _member_ids(cohort_id: int) -> Select:
    return select(Membership.user_id).where(Membership.cohort_id == cohort_id)


# -- the cohort grid ------------------------------------------------------------------------
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
    found = _states(db, course.id, _member_ids(cohort.id))
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


# -- item analysis --------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemStats:
    block: Block
    quiz: Quiz
    question: Question
    learners: int = 0
    answers: int = 0
    correct: int = 0
    wrong_option: int | None = None  # index of the most chosen wrong option
    wrong_option_picks: int = 0

    @property
    def share_correct(self) -> float | None:
        return share(self.correct, self.answers)

    @property
    def average_attempts(self) -> float | None:
        """Submitted attempts per learner that answered it: how many tries the question took."""
        return round(self.answers / self.learners, 1) if self.learners else None


def _counted_answers(cohort_id: int, course_id: str) -> Select:
    """The answer that counted for each question of each submitted attempt by a member."""
    return (
        select(func.max(Answer.id))
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(
            Attempt.course_id == course_id, Attempt.submitted_at.is_not(None),
            Attempt.user_id.in_(_member_ids(cohort_id)),
        )
        .group_by(Answer.attempt_id, Answer.question_id)
    )


def item_analysis(db: Session, cohort: Cohort, course: Course) -> list[ItemStats]:
    """Every scored question of the course's quizzes, in course order; two queries."""
    counted = _counted_answers(cohort.id, course.id)
    key = (Attempt.block_id, Attempt.quiz_id, Answer.question_id)
    right = case((and_(Answer.max_points > 0, Answer.points >= Answer.max_points), 1), else_=0)
    totals = {
        (r.block_id, r.quiz_id, r.question_id): r
        for r in db.execute(
            select(*key, func.count().label("answers"), func.sum(right).label("correct"),
                   func.count(distinct(Attempt.user_id)).label("learners"))
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Answer.id.in_(counted))
            .group_by(*key)
        )
    }
    picks = _option_picks(db, counted, course)
    stats = []
    for block in course.blocks:
        for quiz in block.quizzes:
            for question in quiz.questions:
                row = totals.get((block.id, quiz.id, question.id))
                wrong = _most_chosen_wrong(question, picks.get((block.id, quiz.id, question.id), Counter()))
                stats.append(ItemStats(
                    block, quiz, question,
                    learners=row.learners if row else 0, answers=row.answers if row else 0,
                    correct=int(row.correct or 0) if row else 0,
                    wrong_option=wrong[0] if wrong else None, wrong_option_picks=wrong[1] if wrong else 0,
                ))
    return stats


def _option_picks(db: Session, counted: Select, course: Course) -> dict[tuple[str, str, str], Counter[int]]:
    """How often each option of the choice questions was picked, from the distinct responses
    and their counts (grouped in SQL: a handful of rows per question, however many learners)."""
    choice_ids = {q.id for b in course.blocks for quiz in b.quizzes for q in quiz.questions if q.type in CHOICE_TYPES}
    response = cast(Answer.response, Text)
    rows = db.execute(
        select(Attempt.block_id, Attempt.quiz_id, Answer.question_id, response, func.count())
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Answer.id.in_(counted), Answer.question_id.in_(choice_ids))
        .group_by(Attempt.block_id, Attempt.quiz_id, Answer.question_id, response)
    )
    picks: dict[tuple[str, str, str], Counter[int]] = defaultdict(Counter)
    for block_id, quiz_id, question_id, text, count in rows:
        given = json.loads(text)
        chosen = [given["choice"]] if "choice" in given else given.get("choices", [])
        for option in chosen:
            picks[(block_id, quiz_id, question_id)][option] += count
    return picks


def _most_chosen_wrong(question: Question, picks: Counter[int]) -> tuple[int, int] | None:
    """The wrong option picked most often (the first one on a tie), with its count."""
    wrong = [(count, -index) for index, count in picks.items()
             if index < len(question.options) and not question.options[index].correct]
    if not wrong:
        return None
    count, negative_index = max(wrong)
    return -negative_index, count


# -- the evaluation summary -----------------------------------------------------------------
EVALUATION_ITEMS = (RELEVANCE, USEFULNESS, APPLY, CONFIDENCE_BEFORE, CONFIDENCE_AFTER)


@dataclass(frozen=True)
class EvaluationRow:
    block: Block | None  # None: the whole cohort, every block together
    respondents: int = 0
    relevance: float | None = None
    usefulness: float | None = None
    apply_yes: int = 0
    apply_answers: int = 0
    confidence_before: float | None = None
    confidence_after: float | None = None

    @property
    def apply_share(self) -> float | None:
        return share(self.apply_yes, self.apply_answers)

    @property
    def confidence_change(self) -> float | None:
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return round(self.confidence_after - self.confidence_before, 1)


def _latest_evaluation(cohort_id: int, course_id: str) -> Select:
    """Each member's latest answer to each evaluation item of each block (a learner may send
    the form again; the last answer stands)."""
    return (
        select(func.max(SurveyAnswer.id))
        .where(
            SurveyAnswer.course_id == course_id, SurveyAnswer.survey_id == EVALUATION_ID,
            SurveyAnswer.question_id.in_(EVALUATION_ITEMS), SurveyAnswer.user_id.in_(_member_ids(cohort_id)),
        )
        .group_by(SurveyAnswer.user_id, SurveyAnswer.block_id, SurveyAnswer.question_id)
    )


def evaluation_summary(db: Session, cohort: Cohort, course: Course) -> list[EvaluationRow]:
    """One row per block, then the cohort's row over every block; four queries."""
    latest = _latest_evaluation(cohort.id, course.id)
    value = SurveyAnswer.response["value"].as_integer()
    figures = (func.count().label("n"), func.avg(value).label("mean"), func.sum(case((value == YES, 1), else_=0)).label("yes"))
    by_block: dict[str | None, dict[str, Any]] = defaultdict(dict)
    for r in db.execute(select(SurveyAnswer.block_id, SurveyAnswer.question_id, *figures)
                        .where(SurveyAnswer.id.in_(latest)).group_by(SurveyAnswer.block_id, SurveyAnswer.question_id)):
        by_block[r.block_id][r.question_id] = r
    for r in db.execute(select(SurveyAnswer.question_id, *figures)
                        .where(SurveyAnswer.id.in_(latest)).group_by(SurveyAnswer.question_id)):
        by_block[None][r.question_id] = r
    people = func.count(distinct(SurveyAnswer.user_id))
    respondents: dict[str | None, int] = dict(db.execute(
        select(SurveyAnswer.block_id, people).where(SurveyAnswer.id.in_(latest)).group_by(SurveyAnswer.block_id)
    ).all())
    respondents[None] = db.scalar(select(people).where(SurveyAnswer.id.in_(latest))) or 0
    blocks: list[Block | None] = [*course.blocks, None]
    return [_evaluation_row(b, respondents.get(b.id if b else None, 0), by_block.get(b.id if b else None, {})) for b in blocks]


def _evaluation_row(block: Block | None, respondents: int, items: dict[str, Any]) -> EvaluationRow:
    def item_mean(qid: str) -> float | None:
        return mean(items[qid].mean) if qid in items else None

    apply = items.get(APPLY)
    return EvaluationRow(
        block, respondents, item_mean(RELEVANCE), item_mean(USEFULNESS),
        int(apply.yes or 0) if apply else 0, apply.n if apply else 0,
        item_mean(CONFIDENCE_BEFORE), item_mean(CONFIDENCE_AFTER),
    )


# -- knowledge gain from pre- and post-tests ------------------------------------------------
@dataclass(frozen=True)
class Gain:
    learner: Learner
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else round(self.post - self.pre, 1)


@dataclass(frozen=True)
class GainSummary:
    rows: tuple[Gain, ...]
    has_tests: bool

    @property
    def paired(self) -> tuple[Gain, ...]:
        return tuple(g for g in self.rows if g.gain is not None)

    def average(self, attribute: str) -> float | None:
        values = [getattr(g, attribute) for g in self.paired]
        return round(sum(values) / len(values), 1) if values else None


def _quizzes(course: Course, kind: QuizKind) -> list[tuple[str, str]]:
    return [(b.id, q.id) for b in course.blocks for q in b.quizzes if q.kind == kind]


def knowledge_gain(db: Session, cohort: Cohort, course: Course) -> GainSummary:
    """Per learner: the pre-test as first taken (what they knew before) and the post-test's best
    attempt (the one that counts, SPEC 6), averaged over the course's tests of each kind."""
    pretests, posttests = _quizzes(course, QuizKind.PRETEST), _quizzes(course, QuizKind.POSTTEST)
    if not pretests and not posttests:
        return GainSummary((), has_tests=False)
    mine = and_(Attempt.course_id == course.id, Attempt.submitted_at.is_not(None), Attempt.user_id.in_(_member_ids(cohort.id)))
    which = tuple_(Attempt.block_id, Attempt.quiz_id)
    pre = dict(db.execute(
        select(Attempt.user_id, func.avg(Attempt.percent))
        .where(mine, which.in_(pretests), Attempt.number == 1)
        .group_by(Attempt.user_id)
    ).all()) if pretests else {}
    best = (
        select(Attempt.user_id, func.max(Attempt.percent).label("best"))
        .where(mine, which.in_(posttests))
        .group_by(Attempt.user_id, Attempt.block_id, Attempt.quiz_id)
        .subquery()
    )
    post = dict(db.execute(
        select(best.c.user_id, func.avg(best.c.best)).group_by(best.c.user_id)
    ).all()) if posttests else {}
    rows = tuple(
        Gain(learner, mean(pre.get(learner.id)), mean(post.get(learner.id)))
        for learner in members(db, cohort.id) if learner.id in pre or learner.id in post
    )
    return GainSummary(rows, has_tests=True)


# -- attendance -----------------------------------------------------------------------------
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
