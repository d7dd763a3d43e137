"""Alembic environment: the URL comes from the caller (`coursepack db upgrade`), never a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from player.store import models  # noqa: F401 - registers the tables on Base.metadata
from player.store.database import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    with create_engine(url).connect() as connection:
        _migrate(connection)


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
