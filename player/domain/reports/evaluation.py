"""The evaluation summary: the standard end-of-block survey, averaged per block and overall."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session

from blocks.evaluation import APPLY, CONFIDENCE_AFTER, CONFIDENCE_BEFORE, EVALUATION_ID, RELEVANCE, USEFULNESS
from blocks.model import Block, Course
from player.domain.reports.common import YES, mean, member_ids, share
from player.store.models import Cohort, SurveyAnswer

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
            SurveyAnswer.question_id.in_(EVALUATION_ITEMS), SurveyAnswer.user_id.in_(member_ids(cohort_id)),
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
