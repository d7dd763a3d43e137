"""Throttling counters in the app's own database, so that every worker and host counts together.

Flask-Limiter counts throttled requests (sign-in, sign-up, password change, account deletion)
in a `limits` storage. Counted in each gunicorn worker's memory, four workers let four times the
guesses through; Redis is shared but one more service to run. Without COURSEPACK_REDIS_URL the
player keeps the counters in the `rate_limits` table: one row per key and fixed window, raised
by one upsert in a write transaction that also drops the windows that have ended. Throttled
requests are few (each one hashes a password, which costs far more), so this costs nothing that
shows.

The storage is registered for the URI scheme `coursepack-db://`; it is given a function that
returns the engine to use (the request's app's), not an engine, because Flask-Limiter keeps one
storage per limiter while tests and the CLI make many apps.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from player.store.database import writing
from player.store.models import RateLimit

SCHEME = "coursepack-db"
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class DatabaseLimits(Storage):
    """A `limits` storage for the fixed-window strategy (Flask-Limiter's default), in SQL."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - the registry of `limits` reads this class attribute

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine: Callable[[], Engine] | None = None, **options: object) -> None:
        if engine is None:
            raise ConfigurationError(f"{SCHEME}:// needs the option engine=<a function returning the SQLAlchemy engine>")
        self._engine = engine
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = self._engine()
        insert = _INSERTS[engine.dialect.name](RateLimit).values(key=key, count=amount, expires_at=now + expiry)
        upsert = insert.on_conflict_do_update(index_elements=[RateLimit.key], set_={"count": RateLimit.count + amount})
        with writing(engine) as write:
            write.execute(delete(RateLimit).where(RateLimit.expires_at <= now))
            return write.execute(upsert.returning(RateLimit.count)).scalar_one()

    def get(self, key: str) -> int:
        with self._engine().connect() as connection:
            found = connection.scalar(select(RateLimit.count).where(RateLimit.key == key, RateLimit.expires_at > time.time()))
        return found or 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._engine().connect() as connection:
            found = connection.scalar(select(RateLimit.expires_at).where(RateLimit.key == key, RateLimit.expires_at > now))
        return found or now

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with writing(self._engine()) as write:
            return write.execute(delete(RateLimit)).rowcount

    def clear(self, key: str) -> None:
        with writing(self._engine()) as write:
            write.execute(delete(RateLimit).where(RateLimit.key == key))

    def clear_naming(self, part: str) -> int:
        """Drop every counter whose key holds `part` (an account's tag, when it is erased)."""
        with writing(self._engine()) as write:
            return write.execute(delete(RateLimit).where(RateLimit.key.contains(part, autoescape=True))).rowcount
