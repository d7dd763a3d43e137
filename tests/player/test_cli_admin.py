"""The administrator's commands as a person types them: `make run PORT=...`, `coursepack serve`
on a busy port or an old database, `coursepack user create` piped or on a terminal, without a
cookie secret (issue 14, items 9 and 10). `serve` runs as a real process on a real port."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import socket
import subprocess
import sys
import termios
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select as sql_select

from player.cli import main
from player.domain.accounts import check_password
from player.store.models import User
from player.web import db
from tests.conftest import ROOT

COURSEPACK = str(Path(sys.executable).parent / "coursepack")
SECRET = "a-real-secret-" + "y" * 32
PASSWORD = "a long enough password"
PROMPT = r"(Password|Repeat for confirmation): $"


def _env(**changes: str | None) -> dict[str, str]:
    """The test's environment without the settings these tests choose, plus `changes`."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "COURSEPACK_ENV", "FLASK_DEBUG", "COURSEPACK_DATABASE_URL"}}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _read_until(stream: int, wanted: str, timeout: float = 60.0) -> str:
    """What a process wrote to `stream` until the pattern `wanted` matches it, or all of it if it ended first."""
    seen, deadline = b"", time.monotonic() + timeout
    while not re.search(wanted, seen.decode(errors="replace")) and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(stream, 4096)
            except OSError:  # a terminal whose other end closed
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


@pytest.fixture
def serving() -> Iterator[list[subprocess.Popen]]:
    """Servers a test starts, stopped afterwards whatever happened."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def _serve(database_url: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([COURSEPACK, "serve", "--database", database_url, "--port", str(port), "--courses", str(ROOT / "courses")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


# -- item 9: make run, serve ----------------------------------------------------------------

def test_make_run_takes_the_port_and_the_readme_says_so() -> None:
    dry_run = subprocess.run(["make", "-n", "run", "PORT=8080"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert re.search(r"coursepack serve .*--port 8080\b", dry_run.stdout), dry_run.stdout
    assert "make run PORT=8080" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_serve_on_a_busy_port_names_it_and_says_how_to_choose_another(app: Flask, database_url: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        process = subprocess.run([COURSEPACK, "serve", "--database", database_url, "--port", str(port)],
                                 capture_output=True, text=True, timeout=120, env=_env(SECRET_KEY=SECRET))
    assert process.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in process.stderr
    assert f"--port {port + 1}" in process.stderr and f"make run PORT={port + 1}" in process.stderr
    assert "serving" not in process.stderr + process.stdout


def test_serve_refuses_a_database_never_upgraded_with_the_command_to_run(database_url: str) -> None:
    process = subprocess.run([COURSEPACK, "serve", "--database", database_url, "--port", str(_free_port())],
                             capture_output=True, text=True, timeout=120, env=_env(SECRET_KEY=SECRET))
    assert process.returncode == 1
    assert "has not been upgraded" in process.stderr and "run `coursepack db upgrade --database '" in process.stderr
    assert "serving" not in process.stderr


def test_serve_in_development_upgrades_the_database_so_the_first_write_works(database_url: str, serving: list) -> None:
    port = _free_port()
    process = _serve(database_url, port, _env(COURSEPACK_ENV="development"))
    serving.append(process)
    said = _read_until(process.stderr.fileno(), r"serving .* on http://\S+/\n")
    assert "upgraded the database" in said and f"on http://127.0.0.1:{port}/" in said, said
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = browser.open(f"http://127.0.0.1:{port}/signup").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    form = f"csrf_token={token}&email=first%40example.org&name=First&password={PASSWORD.replace(' ', '+')}".encode()
    reply = browser.open(urllib.request.Request(f"http://127.0.0.1:{port}/signup", data=form))
    assert reply.status == 200 and "/signup" not in reply.url  # signed up and sent on, not a 500


# -- item 10: user create -------------------------------------------------------------------

def _password_of(app: Flask, email: str, password: str) -> bool:
    with app.app_context():
        user = db.session().scalars(sql_select(User).where(User.email == email)).one()
        return check_password(user, password)


def test_user_create_reads_a_piped_password_once_without_a_cookie_secret(app: Flask, database_url: str) -> None:
    result = CliRunner().invoke(main, ["user", "create", "Trainer@Example.org", "--role", "trainer", "--database", database_url],
                                input=PASSWORD + "\n", env={"SECRET_KEY": None, "COURSEPACK_ENV": None})
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output and "created trainer trainer@example.org" in result.output
    assert _password_of(app, "trainer@example.org", PASSWORD)


def test_user_create_with_a_short_piped_password_says_the_rule(app: Flask, database_url: str) -> None:
    result = CliRunner().invoke(main, ["user", "create", "a@example.org", "--database", database_url], input="short\n",
                                env={"SECRET_KEY": None})
    assert result.exit_code == 1 and "at least 10 characters" in result.output


def test_user_create_on_a_terminal_asks_twice_and_again_on_a_mismatch(app: Flask, database_url: str) -> None:
    primary, secondary = pty.openpty()
    process = subprocess.Popen([COURSEPACK, "user", "create", "tty@example.org", "--database", database_url],
                               stdin=secondary, stdout=secondary, stderr=secondary, env=_env(), start_new_session=True,
                               preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # the terminal getpass opens
    os.close(secondary)
    try:
        for typed in (PASSWORD, "something else entirely", PASSWORD, PASSWORD):
            assert re.search(PROMPT, _read_until(primary, PROMPT)), "no prompt"
            os.write(primary, typed.encode() + b"\n")
        rest = _read_until(primary, "created")
        assert process.wait(timeout=60) == 0, rest
    finally:
        os.close(primary)
    assert "created learner tty@example.org" in rest
    assert _password_of(app, "tty@example.org", PASSWORD)


def test_user_create_and_db_upgrade_on_a_database_never_upgraded(database_url: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(main, ["user", "create", "a@example.org", "--database", database_url], input=PASSWORD + "\n",
                            env={"SECRET_KEY": None, "COURSEPACK_ENV": None})
    assert refused.exit_code == 1 and "run `coursepack db upgrade --database '" in refused.output
    assert runner.invoke(main, ["db", "upgrade", "--database", database_url], env={"SECRET_KEY": None}).exit_code == 0
    created = runner.invoke(main, ["user", "create", "a@example.org", "--database", database_url], input=PASSWORD + "\n",
                            env={"SECRET_KEY": None, "COURSEPACK_ENV": None})
    assert created.exit_code == 0, created.output


# -- an administrator's slips: one line saying what is wrong, never a traceback ----------------

def test_a_database_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    for url, said in ((f"sqlite:///{tmp_path / 'no-such-folder' / 'a.db'}", "the folder"),
                      ("bogus://x", "is not a database URL coursepack can use"),
                      ("postgresql+psycopg://postgres@127.0.0.1:1/none", "cannot reach the database")):
        for command in (["db", "upgrade"], ["db", "purge"], ["user", "create", "a@example.org"]):
            result = runner.invoke(main, [*command, "--database", url], input=PASSWORD + "\n", env={"SECRET_KEY": None})
            assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output, (command, result.output)
    assert not (tmp_path / "no-such-folder").exists()


def test_a_database_a_newer_release_upgraded_is_named_as_such(database_url: str) -> None:
    runner = CliRunner()
    assert "upgraded to this release's schema" in runner.invoke(main, ["db", "upgrade", "--database", database_url]).output
    assert "already up to date" in runner.invoke(main, ["db", "upgrade", "--database", database_url]).output
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    for command in (["db", "upgrade"], ["db", "purge"]):
        result = runner.invoke(main, [*command, "--database", database_url], env={"SECRET_KEY": None})
        assert result.exit_code == 1 and "was upgraded by a newer release of coursepack (schema revision 9999_from_the_future)" \
            in result.output, result.output


def test_user_create_refuses_what_is_not_an_email(app: Flask, database_url: str) -> None:
    for email in ("", "notanemail", "a@b", "x@example.org\\n", "<script>@x.org"):
        result = CliRunner().invoke(main, ["user", "create", email, "--role", "trainer", "--database", database_url],
                                    input=PASSWORD + "\n", env={"SECRET_KEY": None})
        assert result.exit_code == 1 and "is not an email address" in result.output, email
    with app.app_context():
        assert db.session().scalars(sql_select(User.email)).all() == []


def test_purge_needs_no_cookie_secret(app: Flask, database_url: str) -> None:
    result = CliRunner().invoke(main, ["db", "purge", "--database", database_url], env={"SECRET_KEY": None, "COURSEPACK_ENV": None})
    assert result.exit_code == 0 and "deleted 0 reflection(s) and 0 guest(s)" in result.output, result.output


def test_serve_refuses_a_port_out_of_range_and_a_courses_folder_that_is_not_there(app: Flask, database_url: str, tmp_path: Path) -> None:
    for options, said in ((["--port", "99999"], "99999 is not in the range 1<=x<=65535"),
                          (["--courses", str(tmp_path / "nowhere")], f"there is no courses folder at {tmp_path / 'nowhere'}")):
        process = subprocess.run([COURSEPACK, "serve", "--database", database_url, *options], capture_output=True, text=True,
                                 timeout=120, env=_env(SECRET_KEY=SECRET))
        assert process.returncode != 0 and said in process.stderr and "serving" not in process.stderr, process.stderr


# -- account administration: a lost password, a departing trainer, a cohort to hand over ------

def test_an_administrator_resets_a_password_changes_a_role_hands_over_a_cohort_and_erases_an_account(
        app: Flask, database_url: str, tmp_path: Path) -> None:
    from player.store.models import Cohort, LoginSession
    runner = CliRunner()

    def run(*args: str, stdin: str = "") -> str:
        result = runner.invoke(main, [*args, "--database", database_url], input=stdin, env={"SECRET_KEY": None})
        assert result.exit_code == 0, result.output
        return result.output

    for email, role in (("old@example.org", "trainer"), ("new@example.org", "trainer"), ("me@example.org", "learner")):
        run("user", "create", email, "--role", role, stdin=PASSWORD + "\n")
    with app.app_context(), db.writing() as write:
        old = write.scalars(sql_select(User).where(User.email == "old@example.org")).one()
        write.add(LoginSession(user_id=old.id))
        write.add(Cohort(name="Skopje, March", course_id="core-blocks", trainer_id=old.id))
    assert run("user", "list", "--role", "trainer").splitlines()[0].startswith("new@example.org\ttrainer\t")
    assert "1 session(s) ended" in run("user", "password", "old@example.org", stdin="a brand new password\n")
    assert _password_of(app, "old@example.org", "a brand new password")
    refused = runner.invoke(main, ["cohort", "trainer", "1", "me@example.org", "--database", database_url])
    assert refused.exit_code == 1 and "make them a trainer first" in refused.output
    assert "now led by new@example.org" in run("cohort", "trainer", "1", "new@example.org")
    assert "trainer -> learner" in run("user", "role", "old@example.org", "learner")
    asked = runner.invoke(main, ["user", "delete", "me@example.org", "--database", database_url])
    assert asked.exit_code == 1 and "--yes" in asked.output
    run("user", "delete", "me@example.org", "--yes")
    with app.app_context():
        people = dict(db.session().execute(sql_select(User.email, User.role)).all())
        led_by = db.session().scalars(sql_select(Cohort.trainer_id)).one()
        sessions = db.session().scalars(sql_select(LoginSession.id)).all()
    assert people == {"old@example.org": "learner", "new@example.org": "trainer"} and sessions == []
    assert led_by == next(u.id for u in [_user(app, "new@example.org")])
    missing = runner.invoke(main, ["user", "role", "nobody@example.org", "admin", "--database", database_url])
    assert missing.exit_code == 1 and "no account has the email nobody@example.org" in missing.output


def _user(app: Flask, email: str) -> User:
    with app.app_context():
        return db.session().scalars(sql_select(User).where(User.email == email)).one()


def test_a_sqlite_backup_is_a_whole_database_that_can_be_served(app: Flask, database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(main, ["user", "create", "kept@example.org", "--database", database_url], input=PASSWORD + "\n")
    assert created.exit_code == 0
    target = tmp_path / "backup.db"
    result = runner.invoke(main, ["db", "backup", str(target), "--database", database_url])
    if not database_url.startswith("sqlite"):
        assert result.exit_code == 1 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    listed = runner.invoke(main, ["user", "list", "--database", f"sqlite:///{target}"])
    assert "kept@example.org" in listed.output
    again = runner.invoke(main, ["db", "backup", str(target), "--database", database_url])
    assert again.exit_code == 1 and "exists already" in again.output


def test_packs_are_cached_in_the_instance_folder_wherever_the_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache relative to the working directory left instance/cache folders wherever an
    administrator happened to stand."""
    from player.cli.app import settings

    monkeypatch.delenv("COURSEPACK_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    found = settings(None)["PACK_CACHE"]
    assert found.is_absolute() and found.parent == Path(Flask("player", instance_relative_config=True).instance_path)
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path / "mine"))
    assert settings(None)["PACK_CACHE"] == tmp_path / "mine"
