"""What a validated LTI launch means here: the account linked to the LMS user, their role in
the LMS course, the cohort that course maps to, and where their grade goes.

The account is made at the first launch, with the name and email exactly as the platform sends
them (no second sign-up, nothing asked for). An email another account already uses is not
taken over: an LMS can say anything about its users, so it never signs anyone into an account
the player made for someone else. An LMS never makes anyone an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from player.domain.accounts import normalise_email
from player.domain.cohorts import join, new_join_code
from player.domain.lti import Launch
from player.store.models import Cohort, CohortTrainer, LtiAccount, LtiContext, LtiGradeTarget, User

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
# Roles that lead a course: Instructor (and its sub-roles, such as a teaching assistant) and a
# course's own Administrator. Every other role takes the course as a learner.
# The short name "Instructor" is the form LTI 1.3 allows for context roles.
TRAINER_ROLES = frozenset({f"{LIS}#Instructor", f"{LIS}#Administrator", "Instructor"})


@dataclass(frozen=True)
class Landing:
    """Where a resource launch takes the user, and as whom."""

    user_id: int
    trainer: bool
    course_id: str | None
    block_id: str | None


def is_trainer(roles: tuple[str, ...]) -> bool:
    """Instructor maps to trainer for the launch's course; everything else to learner."""
    return any(role in TRAINER_ROLES or role.startswith(f"{LIS}/Instructor#") for role in roles)


def link_account(db: Session, launch: Launch) -> int:
    """The account of the LMS user, made at their first launch; their name and email follow
    what the platform sends."""
    link = db.scalars(select(LtiAccount).filter_by(platform_id=launch.platform_id, subject=launch.subject)).first()
    user = db.get(User, link.user_id) if link else None
    if user is None:
        user = User(role="learner")
        db.add(user)
        db.flush()
        db.add(LtiAccount(platform_id=launch.platform_id, subject=launch.subject, user_id=user.id))
    if launch.name:
        user.name = launch.name[:200]
    email = normalise_email(launch.email or "")[:254]
    if email and user.email != email and db.scalar(select(User.id).where(User.email == email)) is None:
        user.email = email
    if is_trainer(launch.roles) and user.role == "learner":
        user.role = "trainer"
    db.flush()
    return user.id


def context_cohort(db: Session, launch: Launch, course_id: str, lang: str) -> Cohort | None:
    """The cohort of the launch's LMS course in one of our courses, made at its first launch."""
    if not launch.context_id:
        return None
    where = dict(platform_id=launch.platform_id, context_id=launch.context_id, course_id=course_id)
    mapped = db.scalars(select(LtiContext).filter_by(**where)).first()
    cohort = db.get(Cohort, mapped.cohort_id) if mapped else None
    if cohort is None:
        cohort = Cohort(name=(launch.context_title or launch.context_id)[:200], course_id=course_id, lang=lang,
                        join_code=new_join_code())
        db.add(cohort)
        db.flush()
        db.add(LtiContext(cohort_id=cohort.id, **where))
    return cohort


def take_place(db: Session, cohort: Cohort, user_id: int, trainer: bool) -> None:
    """A trainer leads the cohort (the first one) or helps lead it; a learner joins it."""
    if not trainer:
        join(db, cohort, user_id)
    elif cohort.trainer_id is None:
        cohort.trainer_id = user_id
    elif cohort.trainer_id != user_id and db.scalar(select(CohortTrainer.id).filter_by(cohort_id=cohort.id, user_id=user_id)) is None:
        db.add(CohortTrainer(cohort_id=cohort.id, user_id=user_id))
    db.flush()


def keep_grade_target(db: Session, launch: Launch, user_id: int, course_id: str, block_id: str) -> None:
    """Remember the launch's grade column, so completing the block posts a score to it."""
    if not launch.lineitem:
        return
    where = dict(user_id=user_id, course_id=course_id, block_id=block_id, lineitem=launch.lineitem)
    if db.scalar(select(LtiGradeTarget.id).filter_by(**where)) is None:
        db.add(LtiGradeTarget(platform_id=launch.platform_id, **where))
        db.flush()


def land(db: Session, launch: Launch, course_id: str | None, block_id: str | None, lang: str) -> Landing:
    """Everything a resource launch records, in the caller's transaction."""
    user_id = link_account(db, launch)
    trainer = is_trainer(launch.roles)
    if course_id:
        cohort = context_cohort(db, launch, course_id, lang)
        if cohort is not None:
            take_place(db, cohort, user_id, trainer)
        if block_id and not trainer:
            keep_grade_target(db, launch, user_id, course_id, block_id)
    return Landing(user_id, trainer, course_id, block_id)
