"""Benchmark: tablets sending their queues when a shelter's connection comes back.

50 devices (guests), each with 20 quiz submissions queued offline (core block A's pre-test,
which takes any number of attempts: 1,000 attempts in all), against the player under gunicorn
(2 sync workers) on SQLite and on PostgreSQL. Two ways of sending the same work, measured in
one run so the ratio holds on a noisy machine:

- one by one: each submission its own form POST, as the online quiz page sends it;
- batch sync: each device's queue as one `POST /sync` (docs/offline.md). Afterwards, untimed,
  every batch is sent again (as if its reply had been lost), which must record nothing more.

Runs the two in rounds (3 by default, fresh devices each round) and prints attempts per second
for each and the ratio, the median round's counting (goal: a batch sync at least 5x faster per
attempt than one-by-one posts), and checks the database afterwards: every acknowledged client
id recorded exactly once (0 lost, 0 duplicated). Exits 1 when an attempt went missing or was
duplicated. Loopback only; PostgreSQL with --postgres URL or COURSEPACK_TEST_POSTGRES_URL.

Run: `.venv/bin/python bench/sync.py [--devices 50] [--queued 20] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.loadkit import csrf, fetch, hammer, serve_player, session_cookie  # noqa: E402
from bench.player import SECRET, local_app, migrate, postgres_database, sqlite_database  # noqa: E402
from blocks.load import Loader  # noqa: E402
from blocks.model import QuizKind  # noqa: E402
from blocks.qtypes.base import FieldNames  # noqa: E402
from player.store.models import Attempt, Submission  # noqa: E402
from player.web import db  # noqa: E402
from player.web.forms import field_key  # noqa: E402
from tests.player.helpers import quiz_answers  # noqa: E402

BLOCK = Loader().course(ROOT / "courses" / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.kind == QuizKind.PRETEST and q.attempts is None)
STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
STEP_URL = f"/courses/core-blocks/{BLOCK.id}/{STEP}"
QUIZ_URL = f"{STEP_URL}/quiz/{QUIZ.id}"
GOAL = 5.0


def device(port: int) -> tuple[str, str]:
    """A guest's cookie and form token, as a tablet holds them after downloading the block."""
    page = fetch(port, "GET", STEP_URL)
    cookie = session_cookie(page)
    moved = fetch(port, "POST", STEP_URL, cookie, {"csrf_token": csrf(page), "go": "next"})
    cookie = session_cookie(moved, cookie)
    page = fetch(port, "GET", STEP_URL, cookie)
    return session_cookie(page, cookie), csrf(page)


def queue(count: int) -> list[dict]:
    # wrong answers: a pre-test once passed takes no more attempts, one never passed takes any number
    fields = dict(quiz_answers(QUIZ, False, FieldNames(field_key(SECRET), seed=1)))
    return [{"client_id": secrets.token_hex(16), "url": QUIZ_URL, "fields": {**fields, "action": "submit"}}
            for _ in range(count)]


def one_by_one(port: int, devices: list[tuple[str, str]], queued: int, acknowledged: list[str]) -> float:
    """Attempts per second when every submission is its own form POST."""
    def job(cookie: str, token: str, item: dict) -> bool:
        reply = fetch(port, "POST", QUIZ_URL, cookie, {**item["fields"], "csrf_token": token, "client_id": item["client_id"]})
        if reply.status == 302 and "/attempts/" in reply.headers.get("location", ""):
            acknowledged.append(item["client_id"])
            return True
        return False
    jobs = [lambda c=c, t=t, item=item: job(c, t, item) for c, t in devices for item in queue(queued)]
    figures = hammer("one by one", jobs, 8)
    print(figures.row())
    return figures.ok / figures.seconds


def batches(port: int, devices: list[tuple[str, str]], queued: int, acknowledged: list[str]) -> float:
    """Attempts per second when each device sends its queue as one batch; then each batch again."""
    def job(cookie: str, token: str, body: bytes, expected: str, record: bool) -> bool:
        reply = fetch(port, "POST", "/sync", cookie, json_body=body, token=token)
        results = json.loads(reply.body)["results"] if reply.status == 200 else []
        if not results or any(r["status"] != expected for r in results):
            return False
        if record:
            acknowledged.extend(r["client_id"] for r in results)
        return True
    bodies = [(cookie, token, json.dumps({"items": queue(queued)}).encode()) for cookie, token in devices]
    figures = hammer("batch sync", [lambda b=b: job(*b, "recorded", True) for b in bodies], 8)
    print(figures.row())
    again = hammer("the same batches again", [lambda b=b: job(*b, "already recorded", False) for b in bodies], 8)
    print(again.row())
    return figures.ok * queued / figures.seconds if again.ok == len(bodies) else 0.0


def check(database_url: str, acknowledged: list[str]) -> tuple[int, int]:
    app = local_app(database_url)
    with app.app_context():
        session = db.session()
        recorded = set(session.scalars(select(Submission.client_id)))
        attempts = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.submitted_at.is_not(None)))
    app.extensions["coursepack_engine"].dispose()
    return len(set(acknowledged) - recorded), max(0, attempts - len(set(acknowledged)))


def run(kind: str, url: str, folder: Path, args: argparse.Namespace) -> bool:
    """Rounds of the same work both ways, fresh devices each time; the median round's ratio (a
    batch phase lasts well under a second, so one burst of load elsewhere would decide a single run)."""
    migrate(url)
    env = {"COURSEPACK_ENV": "production", "SECRET_KEY": SECRET, "COURSEPACK_DATABASE_URL": url,
           "COURSEPACK_COURSES": str(ROOT / "courses")}
    acknowledged: list[str] = []
    ratios: list[float] = []
    print(f"\n== {kind}, gunicorn with {args.workers} sync workers; {args.devices} devices x {args.queued} queued attempts, "
          f"{args.rounds} rounds")
    with serve_player(env, args.workers) as port:
        for _ in range(args.rounds):
            singles = [device(port) for _ in range(args.devices)]
            batched = [device(port) for _ in range(args.devices)]
            single_rate = one_by_one(port, singles, args.queued, acknowledged)
            batch_rate = batches(port, batched, args.queued, acknowledged)
            ratios.append(batch_rate / single_rate if single_rate and batch_rate else 0.0)
            print(f"  one by one: {single_rate:.0f} attempts/s; batch sync: {batch_rate:.0f} attempts/s; ratio {ratios[-1]:.1f}")
    lost, duplicated = check(url, acknowledged)
    ratio = statistics.median(ratios)
    print(f"  median ratio {ratio:.1f} (goal at least {GOAL:.0f}: {'met' if ratio >= GOAL else 'NOT met'})")
    print(f"  acknowledged {len(acknowledged)} attempts: lost {lost}, duplicated {duplicated}")
    expected = 2 * args.rounds * args.devices * args.queued
    return lost == 0 and duplicated == 0 and len(acknowledged) == expected and min(ratios) > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--queued", type=int, default=20, help="attempts queued per device [20]")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both ways, the median ratio counts [3]")
    parser.add_argument("--postgres", default=os.environ.get("COURSEPACK_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    good = True
    with tempfile.TemporaryDirectory(prefix="coursepack-sync-") as name:
        with sqlite_database(Path(name)) as url:
            good &= run("sqlite", url, Path(name), args)
        if args.postgres:
            with postgres_database(args.postgres) as url:
                good &= run("postgresql", url, Path(name), args)
        else:
            print("PostgreSQL skipped: give --postgres URL or set COURSEPACK_TEST_POSTGRES_URL")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
