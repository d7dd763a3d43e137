"""A person's data: everything we hold about them as JSON, deleting it, and retention.

Which rows are a person's is read from the schema, not listed by hand, so a table added later
is exported and deleted with the rest (tests/player/test_data_rights.py checks every table):

- a row that refers to the user through a foreign key with ON DELETE SET NULL (a cohort
  they led) is shown in their export and, on deletion, loses the reference and stays;
- a row that refers to the user through any other foreign key is theirs;
- a row without a reference to users is theirs when its parent row is (answers of an attempt).

No request objects in here: the account pages and `coursepack db purge` both call it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from player.store.database import Base
from player.store.models import BlockProgress, LoginSession, LtiAccount, SurveyAnswer, User, utcnow

USERS = "users"
# Never exported: a password hash helps nobody, and a session id is a key to the account.
SECRET_COLUMNS = {("users", "password_hash"), ("login_sessions", "id")}
CHUNK = 500  # ids per statement, well under every database's limit on bound parameters


def _tables() -> list[Table]:
    """Every table, parents first (importing player.store.models above registered them all)."""
    return list(Base.metadata.sorted_tables)


def _user_references(table: Table) -> list[tuple[Any, bool]]:
    """The columns of a table that refer to users, each with whether it is SET NULL."""
    return [
        (fk.parent, (fk.ondelete or "").upper() == "SET NULL")
        for fk in table.foreign_keys if fk.column.table.name == USERS
    ]


def _owned(table: Table, user_ids: Sequence[int]) -> ColumnElement[bool] | None:
    """Which rows of the table are these users' own (deleted with them), or None for none."""
    if table.name == USERS:
        return table.c.id.in_(user_ids)
    references = _user_references(table)
    if references:
        owning = [column.in_(user_ids) for column, set_null in references if not set_null]
        return or_(*owning) if owning else None
    through = []
    for fk in table.foreign_keys:
        parent = _owned(fk.column.table, user_ids)
        if parent is not None:
            through.append(fk.parent.in_(select(fk.column).where(parent)))
    return or_(*through) if through else None


def _referring(table: Table, user_ids: Sequence[int]) -> ColumnElement[bool] | None:
    """Rows the users own or that merely refer to them: what their export shows."""
    owned = _owned(table, user_ids)
    kept = [column.in_(user_ids) for column, set_null in _user_references(table) if set_null]
    conditions = ([owned] if owned is not None else []) + kept
    return or_(*conditions) if conditions else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export_user_data(db: Session, user_id: int) -> dict[str, Any]:
    """Every row we hold about the user, table by table, as JSON-ready values."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        condition = _referring(table, [user_id])
        if condition is None:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in SECRET_COLUMNS]
        order = list(table.primary_key.columns)
        rows = db.execute(select(*columns).where(condition).order_by(*order)).mappings()
        tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {"exported_at": utcnow().isoformat(timespec="seconds") + "Z", "tables": tables}


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def delete_users(db: Session, user_ids: Sequence[int]) -> None:
    """Delete people and every row that is theirs; unlink rows that only referred to them.

    Children go before parents, explicitly, so nothing depends on the database's own cascades.
    """
    for chunk in _chunks(list(user_ids)):
        for table in reversed(_tables()):
            for column, set_null in _user_references(table):
                if set_null:
                    db.execute(update(table).where(column.in_(chunk)).values({column.name: None}))
            owned = _owned(table, chunk)
            if owned is not None:
                db.execute(delete(table).where(owned))
    db.flush()


# -- retention ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Purged:
    reflections: int
    guests: int


def purge_reflections(db: Session, before: datetime) -> int:
    """Delete reflections (free-text survey answers) written before the given moment."""
    reflection = SurveyAnswer.response["text"].as_string().is_not(None)
    result = db.execute(delete(SurveyAnswer).where(SurveyAnswer.created_at < before, reflection))
    return result.rowcount or 0


def abandoned_guests(db: Session, before: datetime) -> list[int]:
    """Guests (no email, no LMS link: they never signed up) created before the moment and not
    seen since."""
    linked = exists().where(LtiAccount.user_id == User.id)
    recent_progress = exists().where(BlockProgress.user_id == User.id, BlockProgress.updated_at >= before)
    recent_session = exists().where(LoginSession.user_id == User.id, LoginSession.created_at >= before)
    return list(db.scalars(
        select(User.id).where(User.email.is_(None), User.created_at < before, ~linked, ~recent_progress, ~recent_session)
    ))


def purge(db: Session, reflection_days: int | None, guest_days: int | None, now: datetime | None = None) -> Purged:
    """Apply the retention settings; None for a setting keeps that data."""
    now = now or utcnow()
    reflections = purge_reflections(db, now - timedelta(days=reflection_days)) if reflection_days is not None else 0
    guests = abandoned_guests(db, now - timedelta(days=guest_days)) if guest_days is not None else []
    delete_users(db, guests)
    return Purged(reflections, len(guests))
