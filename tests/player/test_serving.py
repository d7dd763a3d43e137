"""player.serving: the settings gunicorn runs the player with (README, "Running it for real")."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from bench.loadkit import fetch, gunicorn
from player import create_app, serving
from player.store.migrate import upgrade
from player.web import db

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_sets_aside_what_it_was_built_from() -> None:
    gc.unfreeze()
    try:
        serving.post_worker_init(None)
        assert gc.get_freeze_count() > 1000  # this test process's modules and objects, at least
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_gunicorn_workers_run_with_the_settings() -> None:
    """A real gunicorn, given `-c python:player.serving`, freezes each worker's heap before it
    serves; without the settings it does not (the probe app says how many objects are frozen)."""
    counts = {}
    for settings in ("python:player.serving", ""):
        with gunicorn("tests.player.freeze_probe:app", ROOT, {}, 1, settings) as port:
            counts[bool(settings)] = int(fetch(port, "GET", "/").body)
    assert counts[True] > 1000
    assert counts[False] == 0


def test_gunicorn_refuses_a_database_this_release_has_not_upgraded(tmp_path: Path) -> None:
    """It would answer reads and /healthz, then fail on the first write: the worker says what to
    run and gunicorn stops, as `coursepack serve` refuses."""
    env = {**os.environ, "SECRET_KEY": "x" * 64, "COURSEPACK_DATABASE_URL": f"sqlite:///{tmp_path / 'never-upgraded.db'}",
           "COURSEPACK_COURSES": str(ROOT / "courses")}
    started = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "python:player.serving", "-w", "1", "-b", "127.0.0.1:0",
                              "player:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "has not been upgraded to this release's schema; run `coursepack db upgrade`" in started.stderr


def test_healthz_says_when_the_database_has_not_been_upgraded(app_config: dict, tmp_path: Path) -> None:
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'never-upgraded.db'}"})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503 and "coursepack db upgrade" in reply.json["status"]
    with app.app_context():
        upgrade(db.engine())
    assert app.test_client().get("/healthz").status_code == 200
