"""The `coursepack` command: thin; each command calls one function and reports its outcome."""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from pathlib import Path

import click

from blocks.validate import validate_paths
from player.cli.app import listen, opened, read_password, refuse_newer, require_schema
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
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(courses: Path | None, database: str | None, host: str, port: int) -> None:
    """Run the player with the built-in server (one machine; use gunicorn for more).

    Refuses a database that `coursepack db upgrade` has not brought to this release's schema (in
    development, COURSEPACK_ENV=development, it upgrades it), and a port another program holds.
    """
    from werkzeug.serving import make_server

    app = _app(database, courses)
    content = app.extensions["coursepack_content"]
    if not Path(content.root).is_dir():
        raise click.ClickException(f"there is no courses folder at {Path(content.root).resolve()}; give --courses DIR or "
                                   "COURSEPACK_COURSES (a systemd unit also needs WorkingDirectory for the default ./courses)")
    require_schema(app.extensions["coursepack_engine"], app.config["DEVELOPMENT"], database)
    from player.web.config import DEV_SECRET

    if app.config["SECRET_KEY"] == DEV_SECRET and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host} with the development secret, which is public: anyone who reaches this "
                   "address could forge a session. Outside your own machine set SECRET_KEY and leave COURSEPACK_ENV unset.", err=True)
    listening = listen(host, port)
    server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    for course_id, report in content.problems.items():
        served = (f"serving the copy kept on {content.from_kept[course_id]}" if course_id in content.from_kept
                  else "serving its last good version" if course_id in content.courses else "it is not served")
        click.echo(f"course {course_id}: {len(report.errors)} validation error(s), {served}; see 'coursepack validate'", err=True)
    click.echo(f"serving {len(content.courses)} course(s) from {content.root} on http://{host}:{port}/", err=True)
    server.serve_forever()


@main.group()
def db() -> None:
    """Database administration."""


@db.command("upgrade")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def db_upgrade(database: str | None) -> None:
    """Create the database or bring it to the newest schema (safe to run repeatedly; needs no SECRET_KEY)."""
    from player.store.migrate import pending, upgrade

    with opened(database, upgraded=False) as engine:
        refuse_newer(engine)
        was_pending = pending(engine)
        upgrade(engine)
    done = "upgraded to this release's schema" if was_pending else "already up to date"
    click.echo(f"database at {engine.url.render_as_string(hide_password=True)}: {done}", err=True)


@db.command("backup")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def db_backup(target: Path, database: str | None) -> None:
    """Copy a SQLite database, safely while the player runs, to TARGET (a new file). PostgreSQL:
    use pg_dump (docs/administration.md)."""
    import sqlite3

    with opened(database, upgraded=False) as engine:
        if engine.dialect.name != "sqlite":
            raise click.ClickException("this database is PostgreSQL: back it up with pg_dump (docs/administration.md)")
        if target.exists():
            raise click.ClickException(f"{target} exists already; give a new file name (a backup never overwrites one)")
        if not target.parent.is_dir():
            raise click.ClickException(f"the folder {target.parent} does not exist")
        source = sqlite3.connect(str(engine.url.database))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)  # a consistent copy, write-ahead log included, while others write
        finally:
            copy.close()
            source.close()
        target.chmod(0o600)  # it holds personal data
    click.echo(f"backed up {engine.url.database} to {target}", err=True)


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

    from player.domain.accounts import MIN_PASSWORD, hash_password, normalise_email, password_too_short, plausible_email
    from player.store.database import writing
    from player.store.models import User

    if not plausible_email(normalise_email(email)):
        raise click.ClickException(f"{email!r} is not an email address: give one like name@example.org")
    with opened(database) as engine:
        password = read_password(password)
        if password_too_short(password):
            raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
        try:
            with writing(engine) as write:
                write.add(User(email=normalise_email(email), name=name, role=role, password_hash=hash_password(password)))
        except IntegrityError as exc:
            raise click.ClickException(f"an account with the email {email} already exists") from exc
    click.echo(f"created {role} {normalise_email(email)}", err=True)


ROLES = click.Choice(["learner", "trainer", "admin"])


def _account(write: Any, email: str) -> Any:
    """The account with this email, or a one-line refusal."""
    from sqlalchemy import select

    from player.domain.accounts import normalise_email
    from player.store.models import User

    found = write.scalars(select(User).where(User.email == normalise_email(email))).first()
    if found is None:
        raise click.ClickException(f"no account has the email {normalise_email(email)}; see 'coursepack user list'")
    return found


def _end_sessions(write: Any, user_id: int) -> int:
    from sqlalchemy import delete

    from player.store.models import LoginSession

    return write.execute(delete(LoginSession).where(LoginSession.user_id == user_id)).rowcount or 0


@user.command("list")
@click.option("--role", type=ROLES, help="Only accounts with this role.")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def user_list(role: str | None, database: str | None) -> None:
    """Accounts with an email (not guests), one per line: email, role, name, created."""
    from sqlalchemy import select

    from player.store.models import User

    with opened(database) as engine:
        with engine.connect() as connection:
            query = select(User.email, User.role, User.name, User.created_at).where(User.email.is_not(None)).order_by(User.email)
            for email, found_role, name, created in connection.execute(query.where(User.role == role) if role else query):
                click.echo(f"{email}\t{found_role}\t{name}\t{created:%Y-%m-%d}")


@user.command("password")
@click.argument("email")
@click.option("--password", help="Asked for twice (hidden) on a terminal when not given; read from standard input when piped.")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def user_password(email: str, password: str | None, database: str | None) -> None:
    """Set a new password for someone who lost theirs; every session of theirs ends."""
    from player.domain.accounts import MIN_PASSWORD, hash_password, password_too_short
    from player.store.database import writing

    with opened(database) as engine:
        password = read_password(password)
        if password_too_short(password):
            raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
        with writing(engine) as write:
            account = _account(write, email)
            account.password_hash = hash_password(password)
            ended = _end_sessions(write, account.id)
    click.echo(f"new password set for {account.email}; {ended} session(s) ended", err=True)


@user.command("role")
@click.argument("email")
@click.argument("role", type=ROLES)
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def user_role(email: str, role: str, database: str | None) -> None:
    """Change what someone may do, e.g. a departing trainer back to learner (at once, on every worker)."""
    from player.store.database import writing

    with opened(database) as engine:
        with writing(engine) as write:
            account = _account(write, email)
            before, account.role = account.role, role
    click.echo(f"{account.email}: {before} -> {role}", err=True)


@user.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do it: without this flag nothing is deleted.")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def user_delete(email: str, yes: bool, database: str | None) -> None:
    """Erase an account and everything that is theirs, as their own "delete my account" does
    (cohorts they led stay, without a trainer: hand them over with 'cohort trainer')."""
    from player.domain.data_rights import delete_users
    from player.store.database import scrub, writing

    with opened(database) as engine:
        if not yes:
            with writing(engine) as write:
                account = _account(write, email)
            raise click.ClickException(f"this erases {account.email} and all their progress, answers and certificates for good; "
                                       "run it again with --yes to do it")
        with writing(engine) as write:
            account = _account(write, email)
            delete_users(write, [account.id])
        scrub(engine)
    click.echo(f"deleted {account.email} and everything that was theirs", err=True)


@main.group()
def cohort() -> None:
    """Cohorts."""


@cohort.command("trainer")
@click.argument("cohort_id", type=int)
@click.argument("email")
@click.option("--database", help="Database URL [env COURSEPACK_DATABASE_URL].")
def cohort_trainer(cohort_id: int, email: str, database: str | None) -> None:
    """Hand a cohort to another trainer (its id is in the address of its page, /trainer/cohorts/ID/)."""
    from player.store.database import writing
    from player.store.models import Cohort

    with opened(database) as engine:
        with writing(engine) as write:
            account = _account(write, email)
            if account.role not in ("trainer", "admin"):
                raise click.ClickException(f"{account.email} is a {account.role}; make them a trainer first: "
                                           f"coursepack user role {account.email} trainer")
            found = write.get(Cohort, cohort_id)
            if found is None:
                raise click.ClickException(f"no cohort {cohort_id}")
            found.trainer_id, name = account.id, found.name
    click.echo(f"cohort {cohort_id} ({name}) is now led by {account.email}", err=True)


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
    """Apply the retention settings: old reflections and abandoned guests go (run it daily; needs
    no SECRET_KEY)."""
    from player.domain.data_rights import purge
    from player.store.database import scrub, writing

    with opened(database) as engine:
        with writing(engine) as write:
            purged = purge(write, reflection_days, guest_days)
        if not scrub(engine):  # no copy of a purged reflection stays in SQLite's log
            click.echo("SQLite's write-ahead log could not be emptied now (a reader held it); the next checkpoint will", err=True)
    kept = "" if reflection_days is not None else " (reflections are kept: no retention period is set)"
    click.echo(f"deleted {purged.reflections} reflection(s) and {purged.guests} guest(s){kept}", err=True)
