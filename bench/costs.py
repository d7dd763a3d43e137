"""Benchmark: where a request's CPU goes, by process: the client, gunicorn's workers, PostgreSQL.

`bench/player.py` gives rates and ratios; this says why they are what they are. Bare Flask and
the player run under gunicorn (2 sync workers each, 8 concurrent clients, as in
`bench/player.py`); for each kind of request, the CPU time (user and system, from /proc) that
this client process, the app's workers and the PostgreSQL server processes spent, divided by
the requests sent. Everything shares this machine's cores, so a millisecond spent anywhere is
a millisecond the app cannot have: the ratio to bare Flask is about the ratio of these totals.

Linux only (/proc). PostgreSQL with --postgres URL or COURSEPACK_TEST_POSTGRES_URL (its server
processes are found by name, so run it on a machine where nothing else uses PostgreSQL).

Run: `.venv/bin/python bench/costs.py [--postgres URL]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadkit import cpu_seconds, gunicorn, hammer, serve_player  # noqa: E402
from bench.player import (  # noqa: E402
    HELLO_APP, SECRET, STEP_URL, TEXT_STEP_URL, make, migrate, new_guest, postgres_database, sqlite_database, step_job,
    submit_job,
)

CLIENTS = 8


def _children(pattern: str) -> list[int]:
    """The workers of the gunicorn whose command line matches `pattern`."""
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False).stdout.split()
    return [int(pid) for master in found
            for pid in subprocess.run(["pgrep", "-P", master], capture_output=True, text=True, check=False).stdout.split()]


def _postgres() -> list[int]:
    return [int(pid) for pid in subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True, check=False).stdout.split()]


def _since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings; a process that started in between (a new PostgreSQL
    backend) counts whole, one that ended counts nothing."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _own() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, jobs: list[Callable[[], bool]], workers: list[int], database: Callable[[], list[int]]) -> bool:
    own, served, stored = _own(), cpu_seconds(workers), cpu_seconds(database())
    figures = hammer(name, jobs, CLIENTS)
    spent = [(_own() - own) / len(jobs) * 1000, _since(served, cpu_seconds(workers)) / len(jobs) * 1000,
             _since(stored, cpu_seconds(database())) / len(jobs) * 1000]
    print(f"{name:<24}{figures.rps:>8.0f}/s {spent[0]:>10.3f} {spent[1]:>10.3f} {spent[2]:>10.3f} {sum(spent):>10.3f}")
    return figures.ok == len(jobs)


def run(kind: str, url: str, folder: Path) -> bool:
    migrate(url)
    env = {"COURSEPACK_ENV": "production", "SECRET_KEY": SECRET, "COURSEPACK_DATABASE_URL": url,
           "COURSEPACK_COURSES": str(ROOT / "courses")}
    with gunicorn("hello_app:app", folder, {}, 2) as hello, serve_player(env, 2) as port:
        hello_workers, player_workers = _children(f"127.0.0.1:{hello}"), _children(f"127.0.0.1:{port}")
        database = _postgres if kind == "postgresql" else list
        reader, *submitters = make(1 + 200, lambda: new_guest(port), CLIENTS)
        hammer("warm-up", [step_job(port, reader, u) for u in (STEP_URL, TEXT_STEP_URL)] * 50, CLIENTS)
        print(f"\n== {kind}: CPU milliseconds per request, gunicorn with 2 sync workers per app")
        print(f"{'':<24}{'rate':>10} {'client':>10} {'workers':>10} {'postgres':>10} {'total':>10}")
        good = measure("bare Flask hello", [step_job(hello, reader, "/")] * 3000, hello_workers, database)
        good &= measure("player /healthz (floor)", [step_job(port, reader, "/healthz")] * 3000, player_workers, database)
        good &= measure("text step (guest)", [step_job(port, reader, TEXT_STEP_URL)] * 3000, player_workers, database)
        good &= measure("quiz step (guest)", [step_job(port, reader, STEP_URL)] * 3000, player_workers, database)
        good &= measure("quiz submission", [submit_job(port, g, True, []) for g in submitters], player_workers, database)
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", default=os.environ.get("COURSEPACK_TEST_POSTGRES_URL", ""),
                        help="PostgreSQL URL [env COURSEPACK_TEST_POSTGRES_URL]; without one, PostgreSQL is skipped")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {CLIENTS} concurrent clients")
    good = True
    with tempfile.TemporaryDirectory(prefix="coursepack-costs-") as name:
        folder = Path(name)
        (folder / "hello_app.py").write_text(HELLO_APP)
        with sqlite_database(folder) as url:
            good &= run("sqlite", url, folder)
        if args.postgres:
            with postgres_database(args.postgres) as url:
                good &= run("postgresql", url, folder)
        else:
            print("PostgreSQL skipped: give --postgres URL or set COURSEPACK_TEST_POSTGRES_URL")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
