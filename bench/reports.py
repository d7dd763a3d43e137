"""Benchmark: the cohort grid and the coordinator overview at 500, 1,000 and 2,000 learners,
beside a bare Flask request, in one run.

A course of nine blocks (the four core blocks and the five resilience modules, referenced by
relative paths as a course may) is served from a temporary copy of the bundled courses. One
cohort takes it; learners are added in steps to 500, 1,000 and 2,000, each with progress in
the nine blocks (passed, completed, started or not), check-quiz attempts with an answer to
every question, the end-of-block evaluation, and face-to-face attendance for some. At each
step the same admin, through Flask's test client, asks for:

- bare:     GET / of a Flask app that returns a short string (the floor of a request here);
- grid:     GET /trainer/cohorts/<id>/ (every learner by every block);
- overview: GET /trainer/overview (people trained by course, block, organisation, country, month);

and the best of a few repeats is printed with the number of SQL statements each request ran.
The reports must not grow worse than linearly: the time at 2,000 learners may be at most
LINEAR_SLACK times 4 (= 2,000 / 500) the time at 500, and the number of statements must not
grow at all. Exits 1 otherwise.

Run: `.venv/bin/python bench/reports.py [--steps 500,1000,2000] [--repeats 9] [--database URL]`.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from blocks.evaluation import APPLY, CONFIDENCE_AFTER, CONFIDENCE_BEFORE, EVALUATION_ID, RELEVANCE, USEFULNESS  # noqa: E402
from blocks.model import Course  # noqa: E402
from blocks.scoring import correct_response  # noqa: E402
from player import create_app  # noqa: E402
from player.domain.accounts import hash_password  # noqa: E402
from player.store.migrate import upgrade  # noqa: E402
from player.store.models import Answer, Attempt, Attendance, BlockProgress, Cohort, Membership, SurveyAnswer, User  # noqa: E402
from player.web import db  # noqa: E402
from player.web.content import store  # noqa: E402

COURSE_ID = "nine-blocks"
BLOCKS = [f"../core-blocks/{b}" for b in ("a-cultural-sensitivity", "b-impact-on-children", "c-working-together", "d-safeguarding")] + [
    f"../resilience/{b}" for b in ("r1-resilience-to-stress", "r2-impact-of-stress", "r3-seeking-help", "r4-wellness", "r5-resilience-programmes")
]
ORGANISATIONS = ("Centre for Social Work Skopje", "Red Cross", "City of Bitola", "Children's Home", "")
COUNTRIES = ("MK", "UA", "BG", "")
LINEAR_SLACK = 1.25  # room for timing noise on a shared machine
PASSWORD = "benchmark password"
START = datetime(2026, 1, 5, 9, 0)


def courses_folder(target: Path) -> Path:
    """The bundled courses plus one course that takes all nine blocks."""
    courses = target / "courses"
    for name in ("core-blocks", "resilience"):
        shutil.copytree(ROOT / "courses" / name, courses / name)
    folder = courses / COURSE_ID
    folder.mkdir()
    listed = "\n".join(f"  - {b}" for b in BLOCKS)
    (folder / "course.yaml").write_text(
        f"id: {COURSE_ID}\ntitle: Nine blocks\nsummary: Every bundled block in one course.\nblocks:\n{listed}\n"
        "order: any\nlanguages: [en]\npublic: true\n", encoding="utf-8")
    return courses


def make_app(folder: Path, database: str | None) -> Flask:
    app = create_app({
        "DATABASE_URL": database or f"sqlite:///{folder / 'bench.db'}", "COURSES_DIR": courses_folder(folder),
        "SECRET_KEY": "bench-" + "x" * 40, "SESSION_COOKIE_SECURE": False, "CONTENT_RELOAD": False,
    })
    with app.app_context():
        upgrade(db.engine())
        if store().course(COURSE_ID) is None:
            raise SystemExit(f"the nine-block course did not load: {store().problems}")
    return app


class Seeder:
    """Adds learners in bulk inserts, as realistic as the reports need them."""

    def __init__(self, app: Flask, rng: random.Random) -> None:
        self.app, self.rng = app, rng
        with app.app_context(), db.writing() as write:
            admin = User(email="admin@example.org", name="Admin", role="admin", password_hash=hash_password(PASSWORD))
            write.add(admin)
            write.flush()
            cohort = Cohort(name="Bench cohort", course_id=COURSE_ID, join_code="BENCH234", trainer_id=admin.id, mode="face-to-face")
            write.add(cohort)
            write.flush()
            self.cohort_id = cohort.id
            self.course: Course = store().course(COURSE_ID)  # type: ignore[assignment]
        self.count = 0

    def add(self, learners: int) -> None:
        rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (Membership, BlockProgress, SurveyAnswer, Attendance)}
        attempts: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        with self.app.app_context(), db.writing() as write:
            first = self.count + 1
            users = [{"email": f"learner{n}@example.org", "name": f"Learner {n:05d}",
                      "organisation": self.rng.choice(ORGANISATIONS), "country": self.rng.choice(COUNTRIES),
                      "created_at": START} for n in range(first, first + learners)]
            ids = write.execute(insert(User).returning(User.id, sort_by_parameter_order=True), users).scalars().all()
            for user_id in ids:
                rows[Membership].append({"cohort_id": self.cohort_id, "user_id": user_id})
                for day, block in enumerate(self.course.blocks):
                    self._block(user_id, block, START + timedelta(days=7 * day + self.rng.randint(0, 90)), rows, attempts)
            for model, batch in rows.items():
                if batch:
                    write.execute(insert(model), batch)
            attempt_ids = write.execute(insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), [a for a, _ in attempts]).scalars().all()
            answers = [{**answer, "attempt_id": attempt_id} for attempt_id, (_, given) in zip(attempt_ids, attempts) for answer in given]
            if answers:
                write.execute(insert(Answer), answers)
        self.count += learners

    def _block(self, user_id: int, block: Any, when: datetime, rows: dict[Any, list[dict[str, Any]]],
               attempts: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        roll = self.rng.random()
        if roll < 0.3:
            return  # not started
        done = roll >= 0.5
        passed = roll >= 0.6
        rows[BlockProgress].append({
            "user_id": user_id, "course_id": COURSE_ID, "block_id": block.id, "started_at": when, "updated_at": when,
            "completed_at": when if done else None, "passed_at": when if passed else None,
        })
        for quiz in block.quizzes:
            for number in range(1, (1 if passed else 2) + 1):
                right = passed and number == 1
                attempt = {"user_id": user_id, "course_id": COURSE_ID, "block_id": block.id, "quiz_id": quiz.id,
                           "number": number, "seed": 1, "percent": 100.0 if right else 40.0, "passed": right,
                           "submitted_at": when}
                given = [{"question_id": q.id, "response": correct_response(q) if right or self.rng.random() < 0.4 else _wrong(q),
                          "points": float(q.points) if right else 0.0, "max_points": q.points, "created_at": when}
                         for q in quiz.questions]
                attempts.append((attempt, given))
        if done:
            values = {RELEVANCE: self.rng.randint(3, 5), USEFULNESS: self.rng.randint(2, 5), APPLY: 2 if self.rng.random() < 0.9 else 1,
                      CONFIDENCE_BEFORE: self.rng.randint(1, 3), CONFIDENCE_AFTER: self.rng.randint(3, 5)}
            rows[SurveyAnswer].extend({"user_id": user_id, "course_id": COURSE_ID, "block_id": block.id, "survey_id": EVALUATION_ID,
                                       "question_id": q, "response": {"value": v}, "shared": False, "created_at": when}
                                      for q, v in values.items())
            if self.rng.random() < 0.5:
                rows[Attendance].append({"cohort_id": self.cohort_id, "user_id": user_id, "block_id": block.id,
                                         "session_date": date(when.year, when.month, when.day)})


def _wrong(question: Any) -> dict[str, Any]:
    if question.type == "single":
        return {"choice": next(i for i, o in enumerate(question.options) if not o.correct)}
    if question.type == "multiple":
        return {"choices": [i for i, o in enumerate(question.options) if not o.correct][:1]}
    return correct_response(question)


class Counter:
    """SQL statements run by the app's engine, to show that none run per learner."""

    def __init__(self, app: Flask) -> None:
        self.count = 0
        event.listen(app.extensions["coursepack_engine"], "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


def timed(request: Callable[[], Any], repeats: int) -> float:
    """Best wall time of the repeats in milliseconds, the one least disturbed by the rest of
    the machine, with the cyclic garbage collector paused as timeit does; every answer must be
    a 200."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            response = request()
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"a request answered {response.status_code}")
    finally:
        gc.enable()
    return min(times)


def sign_in(client: FlaskClient) -> None:
    page = client.get("/signin").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    if client.post("/signin", data={"csrf_token": token, "email": "admin@example.org", "password": PASSWORD}).status_code != 302:
        raise SystemExit("the admin could not sign in")


def bare_app() -> FlaskClient:
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    return hello.test_client()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="500,1000,2000", help="learner counts to measure at (ascending)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--database", help="a database URL (an empty PostgreSQL database); default SQLite in a temporary folder")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder), args.database)
        seeder, counter = Seeder(app, random.Random(7)), Counter(app)
        client, bare = app.test_client(), bare_app()
        sign_in(client)
        grid_url = f"/trainer/cohorts/{seeder.cohort_id}/"
        client.get(grid_url), client.get("/trainer/overview")  # templates compiled, caches warm
        print(f"{'learners':>8} {'bare ms':>8} {'grid ms':>8} {'statements':>10} {'overview ms':>11} {'statements':>10} {'seed s':>7}")
        results = []
        for step in steps:
            start = time.perf_counter()
            seeder.add(step - seeder.count)
            seeded = time.perf_counter() - start
            bare_ms = timed(lambda: bare.get("/"), args.repeats * 20)
            figures = [bare_ms]
            for url in (grid_url, "/trainer/overview"):
                before = counter.count
                client.get(url)
                statements = counter.count - before
                figures += [timed(lambda url=url: client.get(url), args.repeats), statements]
            results.append((step, *figures))
            print(f"{step:>8} {figures[0]:>8.2f} {figures[1]:>8.1f} {figures[2]:>10} {figures[3]:>11.1f} {figures[4]:>10} {seeded:>7.1f}")
        return verdict(results)


def verdict(results: list[tuple[Any, ...]]) -> int:
    """Time ratios from the first to the last step against the ratio of learners."""
    first, last = results[0], results[-1]
    allowed = last[0] / first[0]
    failed = False
    for name, time_at, statements_at in (("grid", 2, 3), ("overview", 4, 5)):
        ratio = last[time_at] / first[time_at]
        same = last[statements_at] == first[statements_at]
        ok = ratio <= allowed * LINEAR_SLACK and same
        failed |= not ok
        print(f"{name}: {last[0] / first[0]:.0f}x the learners took {ratio:.2f}x the time (linear: {allowed:.0f}x, "
              f"allowed {allowed * LINEAR_SLACK:.1f}x); statements {first[statements_at]} -> {last[statements_at]}: "
              f"{'ok' if ok else 'WORSE THAN LINEAR'}")
        print(f"  per learner at {first[0]}: {first[time_at] / first[0]:.3f} ms, at {last[0]}: {last[time_at] / last[0]:.3f} ms;"
              f" {last[time_at] / last[1]:.0f}x a bare Flask request")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
