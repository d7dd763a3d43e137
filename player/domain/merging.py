"""A guest who signs in to an existing account brings what they did as a guest (SPEC 9).

Sign-up turns the guest's row into the account, so everything is kept as it is. Signing in to an
account that has progress of its own merges the two by the rules of SPEC 6: steps read and
surveys answered add up; a quiz keeps at most its number of attempts, the best ones (the best
attempt counts), numbered again in the order they were submitted; one unfinished attempt stays
while attempts remain; completion and success are stamped again from what the merge leaves. The
guest's row goes afterwards. One write transaction, the caller's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from blocks.model import Block, Course, Quiz, QuizKind
from player.domain.data_rights import delete_users
from player.domain.recording import Where, mark_viewed
from player.store.models import Answer, Attempt, BlockProgress, Certificate, SectionView, Submission, SurveyAnswer

CourseLookup = Callable[[str], Course | None]  # the content store's course by id
_QuizKey = tuple[str, str, str]  # course, block, quiz


@dataclass(frozen=True)
class Kept:
    """What a merge brought into the account, to tell the learner."""

    steps: int = 0  # steps read as a guest and not yet read in the account
    attempts: int = 0  # the guest's submitted quiz attempts now the account's
    left_out: int = 0  # attempts beyond a quiz's limit, the weakest, no longer kept
    surveys: int = 0  # surveys answered as a guest and not yet in the account

    @property
    def anything(self) -> bool:
        return bool(self.steps or self.attempts or self.left_out or self.surveys)


def merge_guest(write: Session, guest_id: int, account_id: int, course: CourseLookup) -> Kept:
    """Move the guest's progress into the account, then delete the guest."""
    steps = _merge_views(write, guest_id, account_id)
    surveys = _merge_surveys(write, guest_id, account_id)
    attempts, left_out, touched = _merge_attempts(write, guest_id, account_id, course)
    touched |= _merge_progress(write, guest_id, account_id)
    write.execute(update(Submission).where(Submission.user_id == guest_id).values(user_id=account_id))
    _merge_certificates(write, guest_id, account_id)
    write.flush()
    delete_users(write, [guest_id])
    _restamp(write, account_id, touched, course)
    return Kept(steps, attempts, left_out, surveys)


def _merge_views(write: Session, guest_id: int, account_id: int) -> int:
    """Steps read by either are read; returns how many the account had not read."""
    have = {(v.course_id, v.block_id, v.section_id) for v in write.scalars(select(SectionView).filter_by(user_id=account_id))}
    moved = 0
    for view in write.scalars(select(SectionView).filter_by(user_id=guest_id)).all():
        if (view.course_id, view.block_id, view.section_id) not in have:
            view.user_id, moved = account_id, moved + 1
    return moved


def _merge_surveys(write: Session, guest_id: int, account_id: int) -> int:
    """A survey the account has not answered takes the guest's answers; one it has keeps its own."""
    have = {(a.course_id, a.block_id, a.survey_id) for a in write.scalars(select(SurveyAnswer).filter_by(user_id=account_id))}
    moved: set[tuple[str, str, str]] = set()
    for answer in write.scalars(select(SurveyAnswer).filter_by(user_id=guest_id)).all():
        key = (answer.course_id, answer.block_id, answer.survey_id)
        if key not in have:
            answer.user_id = account_id
            moved.add(key)
    return len(moved)


def _merge_attempts(write: Session, guest_id: int, account_id: int, course: CourseLookup) -> tuple[int, int, set[tuple[str, str]]]:
    """Each quiz's attempts of both, within its limit; returns the guest's attempts kept, the
    attempts left out and the blocks touched."""
    by_quiz: dict[_QuizKey, list[Attempt]] = defaultdict(list)
    rows = write.scalars(select(Attempt).where(Attempt.user_id.in_((guest_id, account_id)))).all()
    for attempt in rows:
        by_quiz[(attempt.course_id, attempt.block_id, attempt.quiz_id)].append(attempt)
    kept_from_guest = left_out = 0
    touched: set[tuple[str, str]] = set()
    for key, attempts in by_quiz.items():
        if not any(a.user_id == guest_id for a in attempts):
            continue
        keep, drop = _choose(attempts, _quiz(course, key), guest_id)
        left_out += sum(1 for a in drop if a.submitted_at is not None)
        _drop(write, drop)
        kept_from_guest += sum(1 for a in keep if a.user_id == guest_id and a.submitted_at is not None)
        _renumber(write, keep, account_id)
        touched.add(key[:2])
    return kept_from_guest, left_out, touched


def _quiz(course: CourseLookup, key: _QuizKey) -> Quiz | None:
    found = course(key[0])
    block = found.block(key[1]) if found else None
    return next((q for q in block.quizzes if q.id == key[2]), None) if block else None


def _choose(attempts: list[Attempt], quiz: Quiz | None, guest_id: int) -> tuple[list[Attempt], list[Attempt]]:
    """The attempts to keep in submission order (the best within the quiz's limit, then one
    unfinished attempt if another may still be made) and those to drop."""
    submitted = [a for a in attempts if a.submitted_at is not None]
    limit = quiz.attempts if quiz is not None and quiz.attempts is not None else len(submitted)
    best = sorted(submitted, key=lambda a: (-(a.percent or 0.0), _when(a)))[:limit]
    keep = sorted(best, key=_when)
    closed = len(keep) >= limit if quiz is not None and quiz.attempts is not None else False
    passed_test = quiz is not None and quiz.kind != QuizKind.CHECK and any(a.passed for a in keep)
    unfinished = sorted((a for a in attempts if a.submitted_at is None), key=lambda a: (a.user_id != guest_id, a.id))
    if unfinished and not closed and not passed_test:
        keep.append(unfinished[0])  # the guest's, what they were just doing, else the account's
    return keep, [a for a in attempts if a not in keep]


def _drop(write: Session, attempts: list[Attempt]) -> None:
    """Delete attempts with their answers, children first (no reliance on database cascades)."""
    ids = [a.id for a in attempts]
    if ids:
        for attempt in attempts:
            write.expunge(attempt)
        write.execute(delete(Answer).where(Answer.attempt_id.in_(ids)))
        write.execute(delete(Attempt).where(Attempt.id.in_(ids)))


def _when(attempt: Attempt) -> datetime:
    return attempt.submitted_at or attempt.started_at


def _renumber(write: Session, keep: list[Attempt], account_id: int) -> None:
    """Number the kept attempts 1, 2, ... in order, through negative numbers so that the
    unique (learner, quiz, number) holds at every step."""
    for index, attempt in enumerate(keep, start=1):
        attempt.user_id, attempt.number = account_id, -index
    write.flush()
    for index, attempt in enumerate(keep, start=1):
        attempt.number = index
    write.flush()


def _merge_progress(write: Session, guest_id: int, account_id: int) -> set[tuple[str, str]]:
    """One progress row per block: the earliest start and stamps, the latest place."""
    mine = {(p.course_id, p.block_id): p for p in write.scalars(select(BlockProgress).filter_by(user_id=account_id))}
    touched: set[tuple[str, str]] = set()
    for theirs in write.scalars(select(BlockProgress).filter_by(user_id=guest_id)).all():
        key = (theirs.course_id, theirs.block_id)
        touched.add(key)
        row = mine.get(key)
        if row is None:
            theirs.user_id = account_id
            continue
        if theirs.updated_at >= row.updated_at and theirs.last_section:
            row.last_section = theirs.last_section
        row.started_at, row.updated_at = min(row.started_at, theirs.started_at), max(row.updated_at, theirs.updated_at)
        row.completed_at = _earliest(row.completed_at, theirs.completed_at)
        row.passed_at = _earliest(row.passed_at, theirs.passed_at)
        write.delete(theirs)
    return touched


def _earliest(*stamps: datetime | None) -> datetime | None:
    return min((s for s in stamps if s is not None), default=None)


def _merge_certificates(write: Session, guest_id: int, account_id: int) -> None:
    """A certificate the account lacks moves; the account's own one is the one it keeps."""
    have = {(c.course_id, c.block_id) for c in write.scalars(select(Certificate).filter_by(user_id=account_id))}
    for certificate in write.scalars(select(Certificate).filter_by(user_id=guest_id)).all():
        if (certificate.course_id, certificate.block_id) not in have:
            certificate.user_id = account_id


def _restamp(write: Session, account_id: int, touched: set[tuple[str, str]], course: CourseLookup) -> None:
    """Completion and success reached only by the merge are stamped now (SPEC 6)."""
    for course_id, block_id in sorted(touched):
        found = course(course_id)
        block: Block | None = found.block(block_id) if found else None
        if block is not None:
            mark_viewed(write, Where(account_id, course_id, block), "", "")
