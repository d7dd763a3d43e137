"""gunicorn's settings for the player: `gunicorn -c python:player.serving 'player:create_app()'`.

What is here concerns the serving process, not the app, so the app factory (which the tests call
hundreds of times in one process) stays free of it.

- **The app's heap is set aside from the collector.** A worker builds the app (every course
  loaded, templates, modules: about 110,000 objects that live as long as it does) and then
  serves. Python's full collections walk every object, and they come back as the kept pages,
  quizzes and session cookies grow: each one stopped a worker for 50-70 ms on the bench
  machine, so a learner's submission that landed on it waited as long. After `gc.freeze()` the
  collector skips what the app was built from; a full collection takes about 3 ms.
  Objects frozen are still freed when nothing refers to them (a course replaced by a reload);
  only a reference cycle among them would stay, which the app does not make of its content.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(_worker: Any) -> None:  # noqa: ANN401 - gunicorn's Worker
    """The worker has built the app and is about to serve: collect what building it left, then
    freeze the rest (docs/performance.md, "Full collections")."""
    gc.collect()
    gc.freeze()
