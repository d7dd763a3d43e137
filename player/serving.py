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
- **A database this release has not upgraded is refused.** Such a database answers reads (and
  /healthz) and fails on the first write. A worker that finds one logs what to run and stops
  before serving, which makes gunicorn stop ("Worker failed to boot"), as `coursepack serve` does.
"""

from __future__ import annotations

import gc
import sys
from typing import Any


def post_worker_init(worker: Any) -> None:  # noqa: ANN401 - gunicorn's Worker
    """The worker has built the app and is about to serve: refuse an old schema, then collect what
    building the app left and freeze the rest (docs/performance.md, "Full collections")."""
    from player.store.migrate import pending

    engine = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("coursepack_engine")
    if engine is not None and pending(engine):
        worker.log.error("the database at %s has not been upgraded to this release's schema; run "
                         "`coursepack db upgrade` (with the same COURSEPACK_DATABASE_URL), then start again",
                         engine.url.render_as_string(hide_password=True))
        sys.exit(3)  # gunicorn's WORKER_BOOT_ERROR: the arbiter stops rather than start workers again
    gc.collect()
    gc.freeze()
