"""Many simultaneous quiz submissions from several processes: each acknowledged one is recorded
exactly once, duplicates record nothing, and nothing fails or goes missing (SPEC 6 and 11).

Every process builds its own app with create_app, as a gunicorn worker would, so the processes
meet only in the database. The learners are guests of a public course (no password hashing to
wait for). In each round all processes submit for the same learner at once
(a barrier lines them up): distinct client ids race for the same attempt numbers and the
quiz's attempt limit; in some rounds two processes send the same client id, and every process
then retries its request, as a browser does after a timeout.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from blocks.load import Loader
from player.store.models import Answer, Attempt, Submission, User
from player.web import db
from tests.conftest import COURSES, csrf_token
from tests.player.helpers import answers

PROCESSES = 4
ROUNDS = 25  # one learner per round: PROCESSES x ROUNDS submissions, and as many retries
DUPLICATE_EVERY = 5  # in these rounds processes 0 and 1 send the same client id
BLOCK = Loader().course(COURSES / "core-blocks").blocks[0]
QUIZ = next(q for q in BLOCK.quizzes if q.attempts)  # a limit, so racing for the last attempt is tested too
QUIZ_STEP = next(s.id for s in BLOCK.sections if QUIZ in s.nodes(type(QUIZ)))
BASE = f"/courses/core-blocks/{BLOCK.id}"
QUIZ_URL = f"{BASE}/{QUIZ_STEP}/quiz/{QUIZ.id}"
RESULT = re.compile(r"/attempts/(\d+)$")
COOKIE = "coursepack_session"


@dataclass(frozen=True)
class Learner:
    user_id: int
    cookie: str
    csrf: str


@dataclass(frozen=True)
class Outcome:
    """What one POST got back: a result page (acknowledged) or the step (not recorded)."""

    learner: int
    client_id: str
    retry: bool
    status: int
    location: str = ""
    error: str = ""

    @property
    def attempt(self) -> int | None:
        match = RESULT.search(self.location)
        return int(match[1]) if self.status == 302 and match else None


def client_id(process: int, round_: int) -> str:
    if round_ % DUPLICATE_EVERY == 0 and process < 2:
        return f"concurrency-dup-{round_:03d}"
    return f"concurrency-p{process}-r{round_:03d}"


def _submit(client, learner: Learner, index: int, cid: str, retry: bool, right: bool) -> Outcome:  # noqa: ANN001
    data = {"csrf_token": learner.csrf, "client_id": cid, "action": "submit", **answers(client, QUIZ, right, seed=learner.user_id)}
    try:
        response = client.post(QUIZ_URL, data=data)
    except Exception:  # noqa: BLE001 - TESTING propagates view errors; count them as failures
        return Outcome(index, cid, retry, 500, error=traceback.format_exc())
    return Outcome(index, cid, retry, response.status_code, response.headers.get("Location", ""))


def _worker(process: int, config: dict[str, Any], learners: list[Learner], barrier, results) -> None:  # noqa: ANN001
    """One process: its own app and database connections, submitting in step with the others."""
    try:
        from player import create_app

        client = create_app(config).test_client()
        outcomes = []
        for round_, learner in enumerate(learners):
            client.set_cookie(COOKIE, learner.cookie)
            cid = client_id(process, round_)
            barrier.wait(timeout=120)
            right = (process + round_) % 2 == 0
            outcomes.append(_submit(client, learner, round_, cid, False, right))
            outcomes.append(_submit(client, learner, round_, cid, True, right))
        results.put((process, outcomes))
    except Exception:  # noqa: BLE001 - reported by the parent with the traceback
        barrier.abort()
        results.put((process, traceback.format_exc()))


def _guests(app: Flask) -> list[Learner]:
    """One guest per round: each read the first step and pressed Next, which gave them a session."""
    first = f"{BASE}/{BLOCK.sections[0].id}"
    learners = []
    for _ in range(ROUNDS):
        client = app.test_client()
        assert client.post(first, data={"csrf_token": csrf_token(client, first), "go": "next"}).status_code == 302
        token = csrf_token(client, f"{BASE}/{QUIZ_STEP}")
        with app.app_context():
            user_id = db.session().scalar(select(func.max(User.id)))
        learners.append(Learner(user_id, client.get_cookie(COOKIE).value, token))
    return learners


def _run(app_config: dict[str, Any], learners: list[Learner]) -> list[Outcome]:
    context = multiprocessing.get_context("spawn")  # no engine or lock inherited from this process
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_worker, args=(p, app_config, learners, barrier, results)) for p in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes, failures = [], []
    try:
        for _ in workers:
            process, got = results.get(timeout=600)
            if isinstance(got, str):
                failures.append(f"process {process}:\n{got}")
            else:
                outcomes.extend(got)
    except queue.Empty:
        failures.append("a worker process gave no result")
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    assert not failures, "\n".join(failures)
    return outcomes


def test_simultaneous_submissions_are_recorded_exactly_once(app: Flask, app_config: dict[str, Any]) -> None:
    learners = _guests(app)
    outcomes = _run(app_config, learners)

    assert len(outcomes) == 2 * PROCESSES * ROUNDS
    broken = [o for o in outcomes if o.status != 302]
    assert not broken, f"{len(broken)} of {len(outcomes)} requests failed; the first:\n{broken[0].error[-2000:] or broken[0]}"
    retried = [o for o in outcomes if o.retry and o.attempt is not None]
    assert not retried, f"a retry was recorded again: {retried[:3]}"

    acknowledged = [o for o in outcomes if o.attempt is not None]
    ids = Counter(o.client_id for o in acknowledged)
    assert max(ids.values()) == 1, f"one client id acknowledged twice: {ids.most_common(3)}"
    per_learner: dict[int, list[int]] = defaultdict(list)
    for outcome in acknowledged:
        per_learner[outcome.learner].append(outcome.attempt)
    for index in range(ROUNDS):
        distinct = len({client_id(p, index) for p in range(PROCESSES)})
        # every distinct submission is taken while attempts remain; beyond the limit it is refused
        expected = min(distinct, QUIZ.attempts or distinct)
        assert sorted(per_learner[index]) == list(range(1, expected + 1)), f"learner {index}: {per_learner[index]}"

    with app.app_context():
        session = db.session()
        for index, learner in enumerate(learners):
            attempts = session.scalars(select(Attempt).filter_by(user_id=learner.user_id)).all()
            assert sorted(a.number for a in attempts if a.submitted_at) == sorted(per_learner[index])
            assert all(a.submitted_at for a in attempts), "an attempt was left open"
        answers = session.execute(select(Answer.attempt_id, func.count()).group_by(Answer.attempt_id)).all()
        assert {count for _id, count in answers} == {len(QUIZ.questions)}, "an attempt got answers twice or lost some"
        assert len(answers) == len(acknowledged)
        recorded = set(session.scalars(select(Submission.client_id)))
        sent = {o.client_id for o in outcomes}
        assert recorded == sent, f"client ids lost: {sent - recorded}; never sent: {recorded - sent}"
