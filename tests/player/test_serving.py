"""player.serving: the settings gunicorn runs the player with (README, "Running it for real")."""

from __future__ import annotations

import gc
from pathlib import Path

from bench.loadkit import fetch, gunicorn
from player import serving

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
