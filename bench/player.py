"""Benchmark: the player under gunicorn beside a bare Flask "hello" app, measured in one run, on
SQLite and on PostgreSQL, with 2 and with 4 workers.

For each database and worker count, both apps run under gunicorn with that many sync workers on
127.0.0.1 (free ports); the player in production mode with its gunicorn settings, as the README
runs it (`player.serving`; a secret key, secure cookies off for plain http) on a fresh, migrated database, serving the bundled courses. Concurrent clients
(threads, one connection per request, as gunicorn's sync workers close each one) measure
requests per second and latency:

- hello:  GET / of a Flask app that returns a short string, the ceiling on this machine;
- floor:  GET /healthz of the player with a guest's cookie: what any page costs at least;
- text step, quiz step: GET of a step of text and of block A's quiz step (seven questions) by
          guests, and of the quiz step by learners signed in to accounts;
- submit: POST of that quiz with a fresh client id, three per guest (the quiz's attempt limit);
- classroom burst: 30 learners press Submit within one second (a third of them twice, as a
          double click does): p50 and p99 latency, and afterwards the database must hold exactly
          one attempt per acknowledged client id: none lost, none duplicated.

The GETs and the submissions run in interleaved rounds, each one's rate the median of its
rounds, so a burst of load from elsewhere on a noisy machine touches every measure alike. Before the servers start, one
submission is counted in process: its SQL statements and commits (a SQLAlchemy event listener),
so a regression shows as a number. Prints the figures and the ratios to hello (goals: a step
page at least 0.5; a submission at least 0.25 on SQLite and 0.3 on PostgreSQL; the burst's p99
under 300 ms). Exits 1 when a request failed or a submission was lost or duplicated.

PostgreSQL: `--postgres URL` or COURSEPACK_TEST_POSTGRES_URL (a schema of its own per run);
without either, a line says it was skipped. Loopback only; every loop is bounded.

Run: `.venv/bin/python bench/player.py [--requests N] [--submissions N] [--workers 2,4]`.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from bench.loadkit import Figures, Reply, Rounds, csrf, fetch, gunicorn, hammer, serve_player, session_cookie  # noqa: E402
from blocks.load import Loader  # noqa: E402
from blocks.qtypes.base import FieldNames  # noqa: E402
from player import create_app  # noqa: E402
from player.store.migrate import upgrade  # noqa: E402
from player.store.models import Attempt, Submission  # noqa: E402
from player.web import db  # noqa: E402
from player.web.forms import field_key  # noqa: E402
from tests.player.helpers import quiz_answers  # noqa: E402 - the form fields the player's quiz posts

BLOCK = Loader().course(ROOT / "courses" / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.attempts)
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/core-blocks/{BLOCK.id}"
STEP_URL, QUIZ_URL = f"{BASE}/{QUIZ_STEP}", f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}"
TEXT_STEP_URL = f"{BASE}/{next(s.id for s in BLOCK.sections if not any(s.nodes(type(QUIZ))))}"  # no quiz, not even the pre-test
SECRET = secrets.token_hex(32)  # the player's: the bench makes the answer fields' tokens with it
BURST, BURST_SECONDS, BURST_P99_GOAL = 30, 1.0, 300.0
SUBMIT_GOALS = {"sqlite": 0.25, "postgresql": 0.3}
HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''


@dataclass
class Visitor:
    cookie: str
    token: str


# -- databases ------------------------------------------------------------------------------
@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A schema of its own on the server, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def local_app(database_url: str):  # noqa: ANN201
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "COURSES_DIR": ROOT / "courses",
                       "SESSION_COOKIE_SECURE": False})


def migrate(database_url: str) -> None:
    app = local_app(database_url)
    with app.app_context():
        upgrade(db.engine())
    app.extensions["coursepack_engine"].dispose()


@functools.cache  # the same fields every time: the clients' CPU is the servers' on this machine
def answers(right: bool) -> dict[str, str]:
    return quiz_answers(QUIZ, right, FieldNames(field_key(SECRET), seed=1))


def statements_per_submission(database_url: str) -> tuple[int, int]:
    """One submission by a signed-in learner, in process: SQL statements and commits it makes."""
    app = local_app(database_url)
    client = app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    account = {"email": "count@bench.example", "password": "a long enough password"}
    client.post("/signup", data={"csrf_token": token, **account})
    client.post("/signin", data={"csrf_token": token, **account})  # sign-up never signs in
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(STEP_URL).get_data(as_text=True))[1]  # the new session's
    counts = {"statements": 0, "commits": 0}
    engine = app.extensions["coursepack_engine"]
    event.listen(engine, "before_cursor_execute", lambda *_args: counts.__setitem__("statements", counts["statements"] + 1))
    event.listen(engine, "commit", lambda *_args: counts.__setitem__("commits", counts["commits"] + 1))
    form = {"csrf_token": token, "client_id": secrets.token_hex(16), "action": "submit", **answers(True)}
    reply = client.post(QUIZ_URL, data=form)
    engine.dispose()
    if reply.status_code != 302:
        raise RuntimeError(f"the counted submission answered {reply.status_code}")
    return counts["statements"], counts["commits"]


# -- visitors and jobs -------------------------------------------------------------------------
def new_guest(port: int) -> Visitor:
    """A visitor reads the first step and presses Next (which makes them a guest), then opens the quiz."""
    page = fetch(port, "GET", TEXT_STEP_URL)
    cookie = session_cookie(page)
    moved = fetch(port, "POST", TEXT_STEP_URL, cookie, {"csrf_token": csrf(page), "go": "next"})
    cookie = session_cookie(moved, cookie)
    quiz_page = fetch(port, "GET", STEP_URL, cookie)
    return Visitor(session_cookie(quiz_page, cookie), csrf(quiz_page))


def new_learner(port: int, number: int) -> Visitor:
    """A learner signs up (an account with a name: the page header shows it), signs in and opens the quiz."""
    page = fetch(port, "GET", "/signup")
    form = {"csrf_token": csrf(page), "email": f"learner{number}-{uuid.uuid4().hex[:6]}@bench.example",
            "password": "a long enough password", "name": f"Learner {number}"}
    signed_up = fetch(port, "POST", "/signup", session_cookie(page), form)
    if signed_up.status != 302:
        raise RuntimeError(f"sign-up answered {signed_up.status}")
    cookie = session_cookie(signed_up, session_cookie(page))
    signed_in = fetch(port, "POST", "/signin", cookie, {k: form[k] for k in ("csrf_token", "email", "password")})
    if signed_in.status != 302:
        raise RuntimeError(f"sign-in after sign-up answered {signed_in.status}")
    cookie = session_cookie(signed_in, cookie)
    quiz_page = fetch(port, "GET", STEP_URL, cookie)
    return Visitor(session_cookie(quiz_page, cookie), csrf(quiz_page))


def make(count: int, build: Callable[[], Visitor], concurrency: int) -> list[Visitor]:
    made: list[Visitor] = []
    figures = hammer("visitors", [lambda: made.append(build()) is None] * count, concurrency)
    if figures.ok != count:
        raise RuntimeError(f"only {figures.ok} of {count} visitors could be set up")
    return made


def step_job(port: int, visitor: Visitor, url: str) -> Callable[[], bool]:
    return lambda: fetch(port, "GET", url, visitor.cookie).status == 200


def submit(port: int, visitor: Visitor, right: bool, client_id: str) -> Reply:
    form = {"csrf_token": visitor.token, "client_id": client_id, "action": "submit", **answers(right)}
    return fetch(port, "POST", QUIZ_URL, visitor.cookie, form)


def acknowledged(reply: Reply) -> bool:
    return reply.status == 302 and re.search(r"/attempts/\d+$", reply.headers.get("location", "")) is not None


def submit_job(port: int, visitor: Visitor, right: bool, sent: list[str]) -> Callable[[], bool]:
    """POST the quiz with a fresh client id; acknowledged means a redirect to the result page."""
    def job() -> bool:
        client_id = secrets.token_hex(16)
        if acknowledged(submit(port, visitor, right, client_id)):
            sent.append(client_id)
            return True
        return False

    return job


def burst(port: int, learners: list[Visitor], sent: list[str]) -> Figures:
    """Every learner presses Submit at a moment spread over one second; every third twice."""
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    oks: list[bool] = []
    lock = threading.Lock()

    def press(index: int, visitor: Visitor) -> None:
        client_id = secrets.token_hex(16)
        time.sleep(max(0.0, start + BURST_SECONDS * index / len(learners) - time.perf_counter()))
        for _ in range(2 if index % 3 == 0 else 1):
            began = time.perf_counter()
            reply = submit(port, visitor, index % 2 == 0, client_id)
            with lock:
                latencies.append(time.perf_counter() - began)
                oks.append(reply.status == 302)
        with lock:
            sent.append(client_id)

    threads = [threading.Thread(target=press, args=(i, v)) for i, v in enumerate(learners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Figures("classroom burst", len(oks), sum(oks), time.perf_counter() - start, latencies)


# -- one configuration ---------------------------------------------------------------------------
@dataclass
class Result:
    database: str
    workers: int
    pages: list[Rounds]
    submit: Rounds
    burst: Figures
    sent: list[str]
    lost: int = 0
    duplicated: int = 0


def measure(hello: int, port: int, guests: list[Visitor], learners: list[Visitor], submissions: list[Callable[[], bool]],
            args: argparse.Namespace) -> list[Rounds]:
    """Every page, then a share of the submissions, round after round: each figure the median of
    its rounds, so a burst of load from elsewhere touches every measure alike."""
    pages = {
        "bare Flask hello": (hello, "/", guests), "player /healthz (floor)": (port, "/healthz", guests),
        "text step (guest)": (port, TEXT_STEP_URL, guests), "quiz step (guest)": (port, STEP_URL, guests),
        "quiz step (signed in)": (port, STEP_URL, learners),
    }
    each = max(1, args.requests // args.rounds)
    share = -(-len(submissions) // args.rounds)
    rounds: dict[str, list[Figures]] = {name: [] for name in [*pages, "quiz submission"]}
    for number in range(args.rounds):
        for name, (target, url, visitors) in pages.items():
            jobs = [step_job(target, visitors[i % len(visitors)], url) for i in range(each)]
            rounds[name].append(hammer(name, jobs, args.concurrency))
        rounds["quiz submission"].append(hammer("quiz submission", submissions[number * share:(number + 1) * share], args.concurrency))
    return [Rounds.of(measured) for measured in rounds.values()]


def run(kind: str, database_url: str, workers: int, folder: Path, args: argparse.Namespace) -> Result:
    migrate(database_url)
    env = {"COURSEPACK_ENV": "production", "SECRET_KEY": SECRET, "COURSEPACK_DATABASE_URL": database_url,
           "COURSEPACK_COURSES": str(ROOT / "courses"),
           "COURSEPACK_SIGNUP_LIMIT": "10000 per minute"}  # every bench learner signs up from this one address
    with gunicorn("hello_app:app", folder, {}, workers) as hello, serve_player(env, workers) as port:
        per_guest = QUIZ.attempts or 1
        guests = make(args.concurrency, lambda: new_guest(port), args.concurrency)  # they read pages, never submit
        submitters = make(-(-args.submissions // per_guest), lambda: new_guest(port), args.concurrency)
        learners = make(args.concurrency, lambda: new_learner(port, 0), args.concurrency)
        hammer("warm-up", [step_job(port, v, u) for v in guests[:16] + learners for u in (STEP_URL, TEXT_STEP_URL)]
               + [step_job(hello, guests[0], "/")] * 100, args.concurrency)
        sent: list[str] = []
        jobs = [submit_job(port, g, (r + i) % 2 == 0, sent) for r in range(per_guest) for i, g in enumerate(submitters)]
        *pages, submitted = measure(hello, port, guests, learners, jobs[: args.submissions], args)
        classroom = make(BURST, lambda: new_guest(port), args.concurrency)
        pressed = burst(port, classroom, sent)
    result = Result(kind, workers, pages, submitted, pressed, sent)
    result.lost, result.duplicated = check_rows(database_url, sent)
    return result


def check_rows(database_url: str, sent: list[str]) -> tuple[int, int]:
    """Acknowledged client ids not in the database (lost), and attempts beyond one per id (duplicated)."""
    app = local_app(database_url)
    with app.app_context():
        session = db.session()
        recorded = set(session.scalars(select(Submission.client_id)))
        attempts = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.submitted_at.is_not(None)))
    app.extensions["coursepack_engine"].dispose()
    return len(set(sent) - recorded), max(0, attempts - len(set(sent)))


# -- the report ----------------------------------------------------------------------------------
def report(result: Result, counted: tuple[int, int]) -> bool:
    """Print one configuration's figures and ratios; False when something failed or went missing."""
    hello, floor, *steps = result.pages
    baseline = hello.rps
    print(f"\n== {result.database}, gunicorn with {result.workers} sync workers per app; "
          f"one submission makes {counted[0]} SQL statements and {counted[1]} commit(s)")
    print(f"{'':<24}{'requests':>8}{'ok':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for figures in (*result.pages, result.submit, result.burst):
        print(figures.row())
    print(f"ratios to bare Flask ({baseline:.0f} req/s): floor {floor.rps / baseline:.2f}")
    for step in steps:
        print(f"  {step.name}: {step.rps / baseline:.2f} (goal at least 0.50: {'met' if step.rps >= 0.5 * baseline else 'NOT met'})")
    goal = SUBMIT_GOALS[result.database]
    ratio = result.submit.rps / baseline
    print(f"  quiz submission: {ratio:.2f} (goal at least {goal:.2f}: {'met' if ratio >= goal else 'NOT met'})")
    p99 = result.burst.percentile(0.99)
    print(f"  classroom burst of {BURST}: p50 {result.burst.percentile(0.5):.0f} ms, p99 {p99:.0f} ms "
          f"(goal under {BURST_P99_GOAL:.0f}: {'met' if p99 < BURST_P99_GOAL else 'NOT met'})")
    failed = sum(f.sent - f.ok for f in (*result.pages, result.submit, result.burst))
    print(f"  failed requests {failed}; acknowledged submissions {len(result.sent)}: lost {result.lost}, "
          f"duplicated {result.duplicated}")
    return not (failed or result.lost or result.duplicated)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="GETs per page measured, over all rounds [3000]")
    parser.add_argument("--submissions", type=int, default=600, help="quiz submissions, over all rounds [600]")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients [8]")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the GETs and submissions are split into [3]")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts to run [2,4]")
    parser.add_argument("--postgres", default=os.environ.get("COURSEPACK_TEST_POSTGRES_URL", ""),
                        help="PostgreSQL URL [env COURSEPACK_TEST_POSTGRES_URL]; without one, PostgreSQL is skipped")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; {args.concurrency} concurrent clients on loopback")
    databases: list[tuple[str, Callable[[Path], Any]]] = [("sqlite", sqlite_database)]
    if args.postgres:
        databases.append(("postgresql", lambda _folder: postgres_database(args.postgres)))
    else:
        print("PostgreSQL skipped: give --postgres URL or set COURSEPACK_TEST_POSTGRES_URL")
    good = True
    with tempfile.TemporaryDirectory(prefix="coursepack-bench-") as name:
        folder = Path(name)
        (folder / "hello_app.py").write_text(HELLO_APP)
        for kind, database in databases:
            with database(folder) as url:
                migrate(url)
                counted = statements_per_submission(url)
            for workers in (int(w) for w in args.workers.split(",")):
                with database(folder) as url:
                    good &= report(run(kind, url, workers, folder, args), counted)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
