"""Item analysis: how a cohort answered each scored question, and the wrong option chosen most."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, Text, and_, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from blocks.model import Block, Course, Question, Quiz
from blocks.qtypes import kind
from player.domain.reports.common import member_ids, share
from player.store.models import Answer, Attempt, Cohort


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
            Attempt.user_id.in_(member_ids(cohort_id)),
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
    choices = {(b.id, quiz.id, q.id): q for b in course.blocks for quiz in b.quizzes for q in quiz.questions if q.options}
    response = cast(Answer.response, Text)
    rows = db.execute(
        select(Attempt.block_id, Attempt.quiz_id, Answer.question_id, response, func.count())
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Answer.id.in_(counted), Answer.question_id.in_({question_id for _b, _q, question_id in choices}))
        .group_by(Attempt.block_id, Attempt.quiz_id, Answer.question_id, response)
    )
    picks: dict[tuple[str, str, str], Counter[int]] = defaultdict(Counter)
    for block_id, quiz_id, question_id, text, count in rows:
        question = choices.get((block_id, quiz_id, question_id))
        for option in kind(question).chosen_options(json.loads(text)) if question else ():
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
