"""Schema upgrades through Alembic, callable from the CLI, `make run` and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (creating it when empty)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def unknown_revision(engine: Engine) -> str | None:
    """The database's revision when this release does not know it (a newer release upgraded it),
    else None."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return None
    try:
        script.get_revision(current)
    except Exception:  # alembic's ResolutionError / CommandError: a revision it has no script for
        return current
    return None


def pending(engine: Engine) -> bool:
    """Whether the database lacks the newest revision (never upgraded, or upgraded by an older
    release): such a database answers reads and then fails on the first write."""
    head = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False))).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() != head
