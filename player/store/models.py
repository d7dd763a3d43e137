"""The player's tables. Content is referred to by stable string ids (course, block, section,
quiz, question, block version), never copied in, so editing a block never rewrites history.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from player.store.database import Base

ROLES = ("learner", "trainer", "admin")
COHORT_MODES = ("face-to-face", "self-paced")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


class User(Base):
    """A person, or a guest: a guest has no email or password until they sign up."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_guest(self) -> bool:
        return self.email is None


class LoginSession(Base):
    """A server-side session: the cookie names one, and ending it here locks the cookie out."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[str] = mapped_column(String(100))
    lang: Mapped[str] = mapped_column(String(20), default="en")
    join_code: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: new_token(6))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mode: Mapped[str] = mapped_column(String(20), default="self-paced", server_default="self-paced")  # COHORT_MODES
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(Base):
    """The digital attendance sheet: who attended which block of a face-to-face cohort, and when."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id", "block_id", "session_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[str] = mapped_column(String(100))
    session_date: Mapped[date] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockProgress(Base):
    """Where a learner is in one block of one course, and when they finished it."""

    __tablename__ = "block_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    block_version: Mapped[int] = mapped_column(default=1)
    last_section: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()
    passed_at: Mapped[datetime | None] = mapped_column()


class SectionView(Base):
    __tablename__ = "section_views"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "block_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[str] = mapped_column(String(100))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    """One attempt at a quiz: open while the learner answers, scored when submitted."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "block_id", "quiz_id", "number"),
        Index("ix_attempts_quiz", "course_id", "block_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    block_version: Mapped[int] = mapped_column(default=1)
    number: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    percent: Mapped[float | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()

    answers: Mapped[list[Answer]] = relationship(back_populates="attempt", order_by="Answer.id")


class Answer(Base):
    """Every answer a learner submitted; the latest one per question counts for the attempt."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(default=0.0)
    max_points: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class SurveyAnswer(Base):
    """Answers to surveys (the standard evaluation included) and reflections."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_block", "course_id", "block_id", "survey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    survey_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(Base):
    """The client-generated id of every state-changing learner request: a retry records nothing twice."""

    __tablename__ = "submissions"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HeldSubmission(Base):
    """A submission synced from a device that could not count (its quiz was out of attempts, or
    its block had changed since it was downloaded): kept whole and shown to the learner, never
    dropped. Its client id is claimed like any other, so sending it again holds nothing twice."""

    __tablename__ = "held_submissions"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(32))  # a code of player.domain.sync.Held
    payload: Mapped[dict] = mapped_column(JSON)  # what the device sent: its address and its fields
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


CERTIFICATE_MODES = ("online", "face-to-face", "blended")


class Certificate(Base):
    """A learner's certificate; its titles are looked up in the reader's language, `title` is the fallback."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: new_token(9))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    hours: Mapped[float] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How it was earned (CERTIFICATE_MODES) and the training time true for that mode.
    mode: Mapped[str] = mapped_column(String(20), default="online", server_default="online")
    minutes: Mapped[int] = mapped_column(default=0, server_default="0")


# -- LTI 1.3 and xAPI (docs/lti-xapi.md) ------------------------------------------------------
OUTBOX_STATES = ("pending", "sent", "failed")


class LtiPlatform(Base):
    """An LMS registered to launch the player as an LTI 1.3 tool (`coursepack lti add-platform`)."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    frame_origin: Mapped[str] = mapped_column(String(500))  # the LMS's web origin, allowed to frame its launches
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiKey(Base):
    """The tool's own signing keys (deep linking responses, grade service tokens), published at
    /lti/jwks.json; made by the CLI when the first platform is added."""

    __tablename__ = "lti_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key: Mapped[str] = mapped_column(Text)  # PEM
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiLogin(Base):
    """An OIDC login on its way to the launch: its state and nonce, used once."""

    __tablename__ = "lti_logins"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LtiAccount(Base):
    """The LMS user (platform and `sub`) an account was made for at their first launch."""

    __tablename__ = "lti_accounts"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)


class LtiContext(Base):
    """An LMS course (context) mapped to the cohort of its learners in one of our courses."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    course_id: Mapped[str] = mapped_column(String(100))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))


class CohortTrainer(Base):
    """A trainer of a cohort besides the one who leads it: the other instructors of an LMS course."""

    __tablename__ = "cohort_trainers"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class LtiGradeTarget(Base):
    """Where a learner's score for a block goes: the line item of the LMS link they launched."""

    __tablename__ = "lti_grade_targets"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "block_id", "lineitem"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(100))
    block_id: Mapped[str] = mapped_column(String(100))
    lineitem: Mapped[str] = mapped_column(String(1000))


class XapiAgent(Base):
    """The pseudonym a learner has in xAPI statements (an account name), random and kept."""

    __tablename__ = "xapi_agents"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)


class OutboxMessage(Base):
    """A message to another system (an xAPI statement, an LTI score), written in the transaction
    of the event it reports and sent later by `coursepack xapi send` / `coursepack lti send`.

    Its id is fixed when it is written (an xAPI statement's id), so sending it again after a lost
    answer never makes a second copy.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "channel", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # player.domain.outbox.CHANNELS
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(1000), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # OUTBOX_STATES
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class RateLimit(Base):
    """A fixed-window counter of throttled requests (sign-in, sign-up, password, deletion), kept
    here so that every worker and host counts together without Redis (`player.store.limits`).
    Its key names a client address and, for sign-in, a keyed hash of the email, never the email."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(index=True)  # seconds since the epoch
