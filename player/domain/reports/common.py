"""Shared by the reports: the people of a cohort, and how figures are rounded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from player.store.models import Membership, User

YES = 2  # the stored value of "Yes" on the yesno scale (1 = No)


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def mean(value: Any) -> float | None:
    """An average from the database (PostgreSQL gives Decimal) with one decimal."""
    return None if value is None else round(float(value), 1)


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


def member_ids(cohort_id: int) -> Select:
    return select(Membership.user_id).where(Membership.cohort_id == cohort_id)
