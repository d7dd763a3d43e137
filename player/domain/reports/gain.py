"""Knowledge gain: the difference between pre-test and post-test scores, per learner and cohort."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from blocks.model import Course, QuizKind
from player.domain.reports.common import Learner, mean, member_ids, members
from player.store.models import Attempt, Cohort


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


def _quizzes(course: Course, quiz_kind: QuizKind) -> list[tuple[str, str]]:
    return [(b.id, q.id) for b in course.blocks for q in b.quizzes if q.kind == quiz_kind]


def knowledge_gain(db: Session, cohort: Cohort, course: Course) -> GainSummary:
    """Per learner: the pre-test as first taken (what they knew before) and the post-test's best
    attempt (the one that counts, SPEC 6), averaged over the course's tests of each kind."""
    pretests, posttests = _quizzes(course, QuizKind.PRETEST), _quizzes(course, QuizKind.POSTTEST)
    if not pretests and not posttests:
        return GainSummary((), has_tests=False)
    mine = and_(Attempt.course_id == course.id, Attempt.submitted_at.is_not(None), Attempt.user_id.in_(member_ids(cohort.id)))
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
