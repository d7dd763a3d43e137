"""Fixtures shared by the whole suite: the app on SQLite and, when configured, on PostgreSQL.

Set COURSEPACK_TEST_POSTGRES_URL (.ci/run does) to run every database test on PostgreSQL too;
without it those runs are skipped with that reason, so a fresh machine still passes.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from player import create_app
from player.store.migrate import upgrade
from player.web import db

ROOT = Path(__file__).resolve().parent.parent
COURSES = ROOT / "courses"
POSTGRES_URL = os.environ.get("COURSEPACK_TEST_POSTGRES_URL", "")


@pytest.fixture(autouse=True)
def _private_export_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports made by any test go to a temporary cache, never the checkout's instance folder."""
    monkeypatch.setenv("COURSEPACK_CACHE", str(tmp_path_factory.mktemp("export-cache")))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: COURSEPACK_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def courses_dir() -> Path:
    return COURSES


@pytest.fixture
def app_config(database_url: str, courses_dir: Path) -> dict:
    return {
        "DATABASE_URL": database_url,
        "COURSES_DIR": courses_dir,
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "SESSION_COOKIE_SECURE": False,
        "TESTING": True,
        "LOGIN_LIMIT": "5 per minute",
        "CONTENT_KEPT": None,  # no copy of the courses per app: tests/player/test_content_reload.py tests it
    }


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    app = create_app(app_config)
    with app.app_context():
        upgrade(db.engine())
    yield app
    db_engine = app.extensions["coursepack_engine"]
    db_engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # noqa: ANN201
    return app.test_cli_runner()


@pytest.fixture
def tmp_courses(tmp_path: Path) -> Path:
    """A writable copy of the bundled courses, for tests that edit content."""
    target = tmp_path / "courses"
    shutil.copytree(COURSES, target)
    return target


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/signin") -> str:
    """The CSRF token of the client's session, read from a page's form as a browser would."""
    match = _TOKEN.search(client.get(page).get_data(as_text=True))
    assert match, f"no CSRF token on {page}"
    return match[1]


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):  # noqa: ANN201
    """POST a form with the session's CSRF token, as the player's own forms do."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def sign_up(client: FlaskClient, email: str = "learner@example.org", password: str = "a long enough password", **extra: str):  # noqa: ANN201
    """Sign up and then sign in, as a learner does (sign-up never signs in: it would tell whether
    the email was new). Returns the sign-up's answer."""
    response = post(client, "/signup", {"email": email, "password": password, "name": "Ana Learner", **extra})
    if response.status_code == 302:
        signed_in = post(client, "/signin", {"email": email, "password": password})
        assert signed_in.status_code == 302, f"signing in after sign-up as {email} failed"
    return response
