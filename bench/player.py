"""Benchmark: the player under gunicorn beside a bare Flask "hello" app, measured in one run.

Both run under gunicorn with 2 sync workers on 127.0.0.1 (free ports); the player in production
mode (a secret key, secure cookies off for plain http) on a fresh, migrated SQLite file in a
temporary folder, serving the bundled courses. Concurrent clients (threads, one connection per
request, as gunicorn's sync workers close each one) measure requests per second and p99 latency:

- hello:  GET / of a Flask app that returns a short string, the ceiling on this machine;
- floor:  GET /healthz of the player with a guest's cookie (every request hook, the signed
          session cookie, one trivial query, a JSON reply): what any page costs at least;
- text step: GET of a step of text and an activity by a guest learner with a session and progress;
- quiz step: GET of the block's quiz step (seven questions) by the same guests, and by learners
          signed in to accounts (their name in the page header);
- submit: POST of that quiz with the session's CSRF token and a fresh client id, three per guest
          (the quiz's attempt limit); each must be answered with a redirect to its result page.

The GETs run in interleaved rounds (hello, floor, the steps, then again), and each
page's rate is the median of its rounds, so a burst of load from elsewhere on a noisy machine
touches every page alike instead of one. Prints the figures and the ratios to hello (goal: a
step page at least 0.5; every step row is held to it), then counts the rows in the database: every
acknowledged submission must be there with its answers. Exits 1 when a
request failed or a submission was lost. Loopback only; every loop is bounded.

Run: `.venv/bin/python bench/player.py [--requests N] [--submissions N] [--concurrency N]`.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from blocks.load import Loader  # noqa: E402
from blocks.qtypes.base import FieldNames  # noqa: E402
from player import create_app  # noqa: E402
from player.store.migrate import upgrade  # noqa: E402
from player.store.models import Answer, Attempt, Submission  # noqa: E402
from player.web import db  # noqa: E402
from player.web.forms import field_key  # noqa: E402
from tests.player.helpers import quiz_answers  # noqa: E402 - the form fields the player's quiz posts

WORKERS = 2
COOKIE = "coursepack_session"
BLOCK = Loader().course(ROOT / "courses" / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.attempts)
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/core-blocks/{BLOCK.id}"
STEP_URL, QUIZ_URL = f"{BASE}/{QUIZ_STEP}", f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}"
TEXT_STEP_URL = f"{BASE}/{BLOCK.sections[0].id}"
HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''
_TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


# -- HTTP on a bare socket: cheap enough that the client does not hide the servers' speed ---------
@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, method: str, path: str, cookie: str = "", form: dict | None = None) -> Reply:
    """One request on its own connection; gunicorn's sync workers close it after the reply."""
    body = urlencode(form or {}, doseq=True).encode()
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookie:
        head.append(f"Cookie: {COOKIE}={cookie}")
    if method == "POST":
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    raw_head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())  # the first Set-Cookie is the session's
    return Reply(int(lines[0].split()[1]), headers, payload)


def session_cookie(reply: Reply, current: str = "") -> str:
    match = re.match(rf"{COOKIE}=([^;]*)", reply.headers.get("set-cookie", ""))
    return match[1] if match else current


def csrf(reply: Reply) -> str:
    match = _TOKEN.search(reply.body)
    if not match:
        raise RuntimeError(f"no CSRF token in a {reply.status} reply")
    return match[1].decode()


# -- servers --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, folder: Path, env: dict[str, str]) -> Iterator[int]:
    """gunicorn with WORKERS sync workers on a free loopback port; stopped on the way out."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
               "--chdir", str(folder), "--log-level", "warning", app]
    server = subprocess.Popen(command, env={**os.environ, **env})
    try:
        wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, "GET", "/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


SECRET = secrets.token_hex(32)  # the player's: the bench makes the answer fields' tokens with it


def player_env(database_url: str) -> dict[str, str]:
    return {
        "COURSEPACK_ENV": "production", "SECRET_KEY": SECRET,
        "COURSEPACK_DATABASE_URL": database_url, "COURSEPACK_COURSES": str(ROOT / "courses"),
    }


def local_app(database_url: str):  # noqa: ANN201
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), "COURSES_DIR": ROOT / "courses"})


def migrate(database_url: str) -> None:
    app = local_app(database_url)
    with app.app_context():
        upgrade(db.engine())
    app.extensions["coursepack_engine"].dispose()


# -- load -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    name: str
    sent: int
    ok: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.sent / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def row(self) -> str:
        return (f"{self.name:<24}{self.sent:>8}{self.ok:>8}{self.rps:>10.1f}"
                f"{self.percentile(0.5):>10.1f}{self.percentile(0.99):>10.1f}")


@dataclass(frozen=True)
class Rounds(Figures):
    """One page measured in several rounds: the median round's rate, every round's latencies."""

    rates: tuple[float, ...] = ()

    @classmethod
    def of(cls, rounds: list[Figures]) -> Rounds:
        return cls(rounds[0].name, sum(r.sent for r in rounds), sum(r.ok for r in rounds),
                   sum(r.seconds for r in rounds), [x for r in rounds for x in r.latencies], tuple(r.rps for r in rounds))

    @property
    def rps(self) -> float:
        return statistics.median(self.rates)

    def row(self) -> str:
        return f"{super().row()}   ({min(self.rates):.0f}–{max(self.rates):.0f})"


def hammer(name: str, jobs: list[Callable[[], bool]], concurrency: int) -> Figures:
    """Run every job once across `concurrency` threads; a job returns whether its reply was right."""
    lock, position = threading.Lock(), iter(range(len(jobs)))
    latencies, oks = [0.0] * len(jobs), [False] * len(jobs)

    def client() -> None:
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            started = time.perf_counter()
            try:
                oks[index] = jobs[index]()
            except Exception:  # noqa: BLE001 - a broken reply counts as a failed request
                oks[index] = False
            latencies[index] = time.perf_counter() - started

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(name, len(jobs), sum(oks), time.perf_counter() - started, latencies)


@dataclass
class Guest:
    cookie: str
    token: str


def new_guest(port: int) -> Guest:
    """A visitor reads the first step and presses Next (which makes them a guest), then opens the quiz."""
    first = f"{BASE}/{BLOCK.sections[0].id}"
    page = fetch(port, "GET", first)
    cookie = session_cookie(page)
    moved = fetch(port, "POST", first, cookie, {"csrf_token": csrf(page), "go": "next"})
    cookie = session_cookie(moved, cookie)
    quiz_page = fetch(port, "GET", STEP_URL, cookie)
    return Guest(session_cookie(quiz_page, cookie), csrf(quiz_page))


def make_guests(port: int, count: int, concurrency: int) -> list[Guest]:
    guests: list[Guest] = []

    def job() -> bool:
        guests.append(new_guest(port))
        return True

    made = hammer("guests", [job] * count, concurrency)
    if made.ok != count:
        raise RuntimeError(f"only {made.ok} of {count} guests could be set up")
    return guests


def new_learner(port: int, number: int) -> Guest:
    """A learner signs up (an account with a name: the page header shows it) and opens the quiz."""
    page = fetch(port, "GET", "/signup")
    form = {"csrf_token": csrf(page), "email": f"learner{number}@bench.example", "password": "a long enough password",
            "name": f"Learner {number}"}
    signed_up = fetch(port, "POST", "/signup", session_cookie(page), form)
    if signed_up.status != 302:
        raise RuntimeError(f"sign-up answered {signed_up.status}")
    cookie = session_cookie(signed_up, session_cookie(page))
    quiz_page = fetch(port, "GET", STEP_URL, cookie)
    return Guest(session_cookie(quiz_page, cookie), csrf(quiz_page))


def step_job(port: int, guest: Guest, url: str = STEP_URL) -> Callable[[], bool]:
    return lambda: fetch(port, "GET", url, guest.cookie).status == 200


def submit_job(port: int, guest: Guest, right: bool, acknowledged: list[str]) -> Callable[[], bool]:
    """POST the quiz with a fresh client id; acknowledged means a redirect to the result page."""
    def job() -> bool:
        client_id = secrets.token_hex(16)
        answers = quiz_answers(QUIZ, right, FieldNames(field_key(SECRET), seed=1))
        form = {"csrf_token": guest.token, "client_id": client_id, "action": "submit", **answers}
        reply = fetch(port, "POST", QUIZ_URL, guest.cookie, form)
        if reply.status == 302 and re.search(r"/attempts/\d+$", reply.headers.get("location", "")):
            acknowledged.append(client_id)
            return True
        return False

    return job


def count_rows(database_url: str) -> tuple[int, int, int]:
    """Submitted attempts, answers and client ids in the database."""
    app = local_app(database_url)
    with app.app_context():
        session = db.session()
        attempts = session.scalar(select(func.count()).select_from(Attempt).where(Attempt.submitted_at.is_not(None)))
        answers = session.scalar(select(func.count()).select_from(Answer))
        submissions = session.scalar(select(func.count()).select_from(Submission))
    app.extensions["coursepack_engine"].dispose()
    return attempts, answers, submissions


def measure_pages(hello_port: int, player_port: int, guests: list[Guest], learners: list[Guest],
                  args: argparse.Namespace) -> list[Rounds]:
    """Bare Flask, the player's floor and the step pages, in interleaved rounds."""
    pages: dict[str, tuple[int, str, list[Guest]]] = {
        "bare Flask hello": (hello_port, "/", guests), "player /healthz (floor)": (player_port, "/healthz", guests),
        "text step (guest)": (player_port, TEXT_STEP_URL, guests), "quiz step (guest)": (player_port, STEP_URL, guests),
        "quiz step (signed in)": (player_port, STEP_URL, learners),
    }
    each = max(1, args.requests // args.rounds)
    rounds: dict[str, list[Figures]] = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, (port, url, visitors) in pages.items():
            jobs = [step_job(port, visitors[i % len(visitors)], url) for i in range(each)]
            rounds[name].append(hammer(name, jobs, args.concurrency))
    return [Rounds.of(measured) for measured in rounds.values()]


def run_player(hello_port: int, port: int, args: argparse.Namespace) -> tuple[list[Rounds], Figures, list[str]]:
    """The pages in rounds beside bare Flask, then the submissions."""
    per_guest = QUIZ.attempts or 1
    guests_needed = max(args.concurrency, -(-args.submissions // per_guest))
    guests = make_guests(port, guests_needed, args.concurrency)
    learners = [new_learner(port, n) for n in range(args.concurrency)]
    warm = [step_job(port, v, url) for v in guests[: 2 * args.concurrency] + learners for url in (STEP_URL, TEXT_STEP_URL)]
    hammer("warm-up", warm + [step_job(hello_port, guests[0], "/")] * 100, args.concurrency)
    pages = measure_pages(hello_port, port, guests, learners, args)
    acknowledged: list[str] = []
    # round by round, so that concurrent submissions come from different learners
    jobs = [submit_job(port, g, (r + i) % 2 == 0, acknowledged) for r in range(per_guest) for i, g in enumerate(guests)]
    submit = hammer("quiz submission", jobs[: args.submissions], args.concurrency)
    return pages, submit, acknowledged


def report(args: argparse.Namespace, pages: list[Rounds], submit: Figures,
           acknowledged: list[str], rows: tuple[int, int, int]) -> int:
    """Print the figures and ratios; 1 when a request failed or a submission is not in the database."""
    attempts, answers, client_ids = rows
    hello, floor, *steps = pages
    baseline = hello.rps
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"gunicorn, {WORKERS} sync workers per app; {args.concurrency} concurrent clients on loopback; "
          f"player on SQLite; {os.cpu_count()} CPUs, load average {load}")
    print(f"{'':<24}{'requests':>8}{'ok':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}   (req/s of the "
          f"{args.rounds} rounds: median above, range here)")
    for figures in (*pages, submit):
        print(figures.row())
    print(f"ratios to bare Flask ({baseline:.0f} req/s):")
    print(f"  {floor.name}: {floor.rps / baseline:.2f}")
    for step in steps:
        ratio = step.rps / baseline
        print(f"  {step.name}: {ratio:.2f} (goal at least 0.50: {'met' if ratio >= 0.5 else 'NOT met'})")
    print(f"  {submit.name}: {submit.rps / baseline:.2f}")
    failed = sum(f.sent - f.ok for f in (*pages, submit))
    lost = len(acknowledged) - attempts
    mismatch = answers != attempts * len(QUIZ.questions) or client_ids != submit.sent
    print(f"submissions: {submit.sent} sent, {len(acknowledged)} acknowledged; in the database: {attempts} "
          f"submitted attempts, {answers} answers ({len(QUIZ.questions)} per attempt), {client_ids} client ids")
    print(f"failed requests: {failed}; lost submissions: {lost}" + ("; ROW COUNTS DO NOT MATCH" if mismatch else ""))
    return 1 if failed or lost or mismatch else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="GETs per page measured, over all rounds [3000]")
    parser.add_argument("--submissions", type=int, default=300, help="quiz submissions [300]")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients [8]")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the GETs are split into [3]")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="coursepack-bench-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrate(database_url)
        (Path(folder) / "hello_app.py").write_text(HELLO_APP)
        player_app = "player:create_app({'SESSION_COOKIE_SECURE': False})"  # plain http on loopback
        with gunicorn("hello_app:app", Path(folder), {}) as hello_port, \
                gunicorn(player_app, ROOT, player_env(database_url)) as player_port:
            pages, submit, acknowledged = run_player(hello_port, player_port, args)
        rows = count_rows(database_url)
    return report(args, pages, submit, acknowledged, rows)


if __name__ == "__main__":
    sys.exit(main())
