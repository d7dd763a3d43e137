"""The Alembic revisions build exactly the schema the models declare, on SQLite and PostgreSQL:
a model changed without its revision (or a revision that drifted) fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from player.store.database import Base


def test_the_migrated_schema_is_the_models_schema(app: Flask) -> None:
    with app.extensions["coursepack_engine"].connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_revisions_form_one_line(app: Flask) -> None:
    """Revisions merged from parallel work must be re-chained: one head, no branch."""
    from alembic.script import ScriptDirectory

    from player.store.migrate import alembic_config
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    assert all(len(script.nextrev) <= 1 for script in scripts.walk_revisions())
