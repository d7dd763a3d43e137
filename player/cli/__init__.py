"""The `coursepack` command: thin; each command calls one function and reports its outcome."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from blocks.validate import validate_paths
from player.cli.app import database_engine, listen, read_password, require_schema
from player.cli.app import make_app as _app
from player.cli.export import export
from player.cli.gift import export_gift_command, import_
from player.cli.lti import lti
from player.cli.translate import translate
from player.cli.xapi import xapi


def _relative(path: str) -> str:
    """A path as the author would type it: relative to here when it is below here."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def default_courses() -> Path:
    return Path(os.environ.get("COURSEPACK_COURSES", "courses"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """coursepack: build, check, print and serve short training blocks."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format.")
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check courses, course folders or blocks (default: the courses directory).

    Exit 0 when there are no errors (warnings allowed), 1 when there are errors.
    """
    courses, report, blocks = validate_paths(paths or (default_courses(),))
    if fmt == "json":
        payload = {
            "errors": [d.as_dict() for d in report.sorted() if d.severity == "error"],
            "warnings": [d.as_dict() for d in report.sorted() if d.severity == "warning"],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for diagnostic in report.sorted():
            line = f"{_relative(diagnostic.path)}:{diagnostic.line}: {diagnostic.code}: {diagnostic.message}"
            click.echo(line if diagnostic.severity == "error" else f"{line} (warning)")
        click.echo(f"checked {len(courses)} course(s), {blocks} block(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s)", err=True)
    sys.exit(1 if report.errors else 0)


@main.command()
@click.option("--courses", type=click.Path(path_type=Path, file_okay=False), help="Courses folder [env COURSEPACK_COURSES, default ./courses].")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL, default SQLite in the instance folder].")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(courses: Path | None, database: str | None, host: str, port: int) -> None:
    """Run the player with the built-in server (one machine; use gunicorn for more).

    Refuses a database that `coursepack db upgrade` has not brought to this release's schema (in
    development, COURSEPACK_ENV=development, it upgrades it), and a port another program holds.
    """
    from werkzeug.serving import make_server

    app = _app(database, courses)
    require_schema(app.extensions["coursepack_engine"], app.config["DEVELOPMENT"], database)
    listening = listen(host, port)
    server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    content = app.extensions["coursepack_content"]
    for course_id, report in content.problems.items():
        click.echo(f"course {course_id} is not served: {len(report.errors)} validation error(s); see 'coursepack validate'", err=True)
    click.echo(f"serving {len(content.courses)} course(s) from {content.root} on http://{host}:{port}/", err=True)
    server.serve_forever()


@main.group()
def db() -> None:
    """Database administration."""


@db.command("upgrade")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def db_upgrade(database: str | None) -> None:
    """Create the database or bring it to the newest schema (safe to run repeatedly; needs no SECRET_KEY)."""
    from player.store.migrate import upgrade

    engine = database_engine(database, upgraded=False)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    click.echo(f"database at {engine.url.render_as_string(hide_password=True)} is up to date", err=True)


@main.group()
def user() -> None:
    """Accounts."""


@user.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["learner", "trainer", "admin"]), default="learner", show_default=True)
@click.option("--name", default="", help="Full name, as printed on certificates.")
@click.option("--password", help="Asked for twice (hidden) on a terminal when not given; read from standard input when piped.")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def user_create(email: str, role: str, name: str, password: str | None, database: str | None) -> None:
    """Create an account, e.g. a trainer's: `echo "$PASSWORD" | coursepack user create EMAIL --role trainer`.

    Needs no SECRET_KEY: it writes only to the database.
    """
    from sqlalchemy.exc import IntegrityError

    from player.domain.accounts import MIN_PASSWORD, hash_password, normalise_email, password_too_short
    from player.store.database import writing
    from player.store.models import User

    engine = database_engine(database)
    try:
        password = read_password(password)
        if password_too_short(password):
            raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
        with writing(engine) as write:
            write.add(User(email=normalise_email(email), name=name, role=role, password_hash=hash_password(password)))
    except IntegrityError as exc:
        raise click.ClickException(f"an account with the email {email} already exists") from exc
    finally:
        engine.dispose()
    click.echo(f"created {role} {normalise_email(email)}", err=True)


export.add_command(export_gift_command)
main.add_command(export)
main.add_command(import_)

main.add_command(translate)
main.add_command(lti)
main.add_command(xapi)


@db.command("purge")
@click.option("--reflection-days", type=click.IntRange(min=0), envvar="COURSEPACK_REFLECTION_RETENTION_DAYS",
              help="Delete reflections older than this many days [env COURSEPACK_REFLECTION_RETENTION_DAYS; default: keep them].")
@click.option("--guest-days", type=click.IntRange(min=1), default=30, show_default=True, envvar="COURSEPACK_GUEST_RETENTION_DAYS",
              help="Delete guests (never signed up) created and last seen more than this many days ago [env COURSEPACK_GUEST_RETENTION_DAYS].")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def db_purge(reflection_days: int | None, guest_days: int, database: str | None) -> None:
    """Apply the retention settings: old reflections and abandoned guests go (run it daily)."""
    from player.domain.data_rights import purge
    from player.web import db as database_module

    app = _app(database)
    with app.app_context():
        with database_module.writing() as write:
            purged = purge(write, reflection_days, guest_days)
        database_module.scrub()  # no copy of a purged reflection stays in SQLite's log
    kept = "" if reflection_days is not None else " (reflections are kept: no retention period is set)"
    click.echo(f"deleted {purged.reflections} reflection(s) and {purged.guests} guest(s){kept}", err=True)
