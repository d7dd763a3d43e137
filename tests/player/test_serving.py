"""player.serving: the settings gunicorn runs the player with (README, "Running it for real")."""

from __future__ import annotations

import gc
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ask(port: int, server: subprocess.Popen) -> str:
    for _ in range(200):
        assert server.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                return reply.read().decode()
        except OSError:
            time.sleep(0.05)
    raise AssertionError("gunicorn did not answer")


def test_gunicorn_workers_run_with_the_settings() -> None:
    """A real gunicorn, given `-c python:player.serving`, freezes each worker's heap before it
    serves; without the settings it does not (the probe app says how many objects are frozen)."""
    counts = {}
    for settings in (["-c", "python:player.serving"], []):
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", *settings, "-w", "1", "-b", f"127.0.0.1:{port}",
                                   "--chdir", str(ROOT), "tests.player.freeze_probe:app"])
        try:
            counts[bool(settings)] = int(_ask(port, server))
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert counts[True] > 1000
    assert counts[False] == 0
