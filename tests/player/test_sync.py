"""POST /sync: a device's queued submissions, each client id recorded at most once (docs/offline.md).

Runs on SQLite and on PostgreSQL (the `client` fixture).
"""

from __future__ import annotations

import io
import json
import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from blocks.load import Loader
from blocks.model import Quiz
from player.store.models import Answer, Attempt, BlockProgress, HeldSubmission, SectionView, User
from player.web import db
from tests.conftest import COURSES, csrf_token, sign_up
from tests.player.helpers import answers, correct_response, form_fields, form_on_page, names_for

COURSE = Loader().course(COURSES / "core-blocks")
BLOCK = COURSE.blocks[1]  # one check quiz, three attempts
QUIZ = next(q for q in BLOCK.quizzes if q.attempts)
STEP = next(s for s in BLOCK.sections if QUIZ in s.nodes(Quiz))
STEP_URL = f"/courses/core-blocks/{BLOCK.id}/{STEP.id}"
QUIZ_URL = f"{STEP_URL}/quiz/{QUIZ.id}"


def new_id() -> str:
    return secrets.token_hex(16)


def queued_quiz(client: FlaskClient, right: bool = True, action: str = "submit", **extra: Any) -> dict[str, Any]:
    """What a device queued when the learner submitted the quiz offline: the form's address and fields."""
    seed = int(form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)["seed"])
    fields = {"action": action, **answers(client, QUIZ, right, seed)}
    return {"client_id": new_id(), "url": QUIZ_URL, "fields": fields, "version": BLOCK.version, **extra}


def send(client: FlaskClient, items: list[dict[str, Any]], token: str | None = None) -> Any:
    headers = {"X-CSRFToken": token or csrf_token(client, STEP_URL)}
    return client.post("/sync", data=json.dumps({"items": items}), content_type="application/json", headers=headers)


def statuses(reply: Any) -> list[str]:
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return [found["status"] for found in reply.json["results"]]


def attempts(app: Flask) -> list[Attempt]:
    with app.app_context():
        return list(db.session().scalars(select(Attempt).where(Attempt.submitted_at.is_not(None)).order_by(Attempt.number)))


def test_a_queue_sent_three_times_records_each_attempt_once(app: Flask, client: FlaskClient) -> None:
    queue = [queued_quiz(client, right=False), queued_quiz(client, right=True)]
    assert statuses(send(client, queue)) == ["recorded", "recorded"]
    assert statuses(send(client, queue)) == ["already recorded", "already recorded"]
    assert statuses(send(client, queue)) == ["already recorded", "already recorded"]
    recorded = attempts(app)
    assert [(a.number, a.percent) for a in recorded] == [(1, 0.0), (2, 100.0)]
    with app.app_context():
        answered = db.session().scalar(select(func.count()).select_from(Answer).where(Answer.attempt_id == recorded[1].id))
    assert answered == len([q for q in QUIZ.questions if q.type.value not in ("likert", "reflection")])


def test_the_reply_names_each_attempt_so_the_device_can_show_the_servers_score(client: FlaskClient) -> None:
    reply = send(client, [queued_quiz(client)])
    (found,) = reply.json["results"]
    assert found["status"] == "recorded" and found["attempt"] == 1
    assert client.get(f"{QUIZ_URL}/attempts/1").status_code == 200


def test_attempts_beyond_the_limit_are_held_not_dropped(app: Flask, client: FlaskClient) -> None:
    """Two tablets of one learner: both keep their attempts up to the limit; the rest is held."""
    queue = [queued_quiz(client, right=False) for _ in range((QUIZ.attempts or 0) + 1)]
    results = statuses(send(client, queue))
    assert results == ["recorded"] * QUIZ.attempts + ["held"]
    assert send(client, queue[-1:]).json["results"][0] == {
        "client_id": queue[-1]["client_id"], "status": "held", "reason": "no-attempts", "attempt": None}
    with app.app_context():
        (held,) = db.session().scalars(select(HeldSubmission)).all()
    assert held.client_id == queue[-1]["client_id"] and held.payload["fields"] == queue[-1]["fields"]
    assert len(attempts(app)) == QUIZ.attempts


def test_answers_to_a_block_that_changed_are_held(app: Flask, client: FlaskClient) -> None:
    item = queued_quiz(client, version=BLOCK.version + 1)
    assert send(client, [item]).json["results"][0]["reason"] == "content-changed"
    assert attempts(app) == []


def test_an_unreadable_item_is_refused_and_the_rest_still_counts(app: Flask, client: FlaskClient) -> None:
    good = queued_quiz(client)
    wrong_token = queued_quiz(client)
    first = next(q for q in QUIZ.questions if q.options)
    wrong_token["fields"][f"q-{first.id}"] = "0123456789abcdef"
    queue = [{"client_id": "short", "url": QUIZ_URL, "fields": {}}, {**queued_quiz(client), "url": "/nowhere"},
             {**queued_quiz(client), "fields": {"seed": ["1", 2]}}, wrong_token, good]
    reply = send(client, queue)
    assert statuses(reply) == ["refused"] * 4 + ["recorded"]
    assert all(found["reason"] for found in reply.json["results"][:4])
    assert len(attempts(app)) == 1


def test_each_item_is_read_with_its_own_forms_seed(app: Flask, client: FlaskClient) -> None:
    """A batch reads its items with the field names of each form's seed, worked out once per
    seed: forms of two seeds both count, and a token of one seed sent with the other is refused."""
    first = queued_quiz(client, right=True)
    seed = int(first["fields"]["seed"])
    other = {**first, "client_id": new_id(), "fields": {"action": "submit", **answers(client, QUIZ, True, seed + 1)}}
    mixed = {**first, "client_id": new_id(), "fields": {**first["fields"], "seed": str(seed + 1)}}
    assert statuses(send(client, [first, other, mixed, {**first, "client_id": new_id()}])) == [
        "recorded", "recorded", "refused", "recorded"]
    assert [a.percent for a in attempts(app)] == [100.0, 100.0, 100.0]


def test_steps_seen_offline_count_once(app: Flask, client: FlaskClient) -> None:
    item = {"client_id": new_id(), "url": f"/courses/core-blocks/{BLOCK.id}/{BLOCK.sections[0].id}", "fields": {"go": "next"}}
    assert statuses(send(client, [item, item])) == ["recorded", "already recorded"]
    with app.app_context():
        seen = db.session().scalars(select(SectionView.section_id)).all()
    assert seen == [BLOCK.sections[0].id]


def test_a_batch_needs_the_form_token_and_a_sane_size(client: FlaskClient) -> None:
    item = queued_quiz(client)
    assert client.post("/sync", data=json.dumps({"items": [item]}), content_type="application/json").status_code == 400
    assert send(client, [item] * 101).status_code == 400
    assert send(client, []).status_code == 400
    assert client.post("/sync", data="not json", content_type="application/json",
                       headers={"X-CSRFToken": csrf_token(client, STEP_URL)}).status_code == 400


def test_a_guests_queue_sent_after_signing_up_is_the_accounts(app: Flask, client: FlaskClient) -> None:
    item = queued_quiz(client)  # answered offline as a guest
    sign_up(client, email="tablet@example.org")
    assert statuses(send(client, [item])) == ["recorded"]
    with app.app_context():
        account = db.session().scalars(select(User).where(User.email == "tablet@example.org")).one()
    assert [a.user_id for a in attempts(app)] == [account.id]


def test_a_pending_answers_file_is_sent_from_another_device(app: Flask, client: FlaskClient) -> None:
    queue = [queued_quiz(client), queued_quiz(client, right=False)]
    upload = json.dumps({"items": queue}).encode()
    for _ in range(2):
        reply = client.post("/sync/import", data={"csrf_token": csrf_token(client, "/sync/import"),
                                                  "file": (io.BytesIO(upload), "pending-answers.json")},
                            content_type="multipart/form-data", follow_redirects=True)
        assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Recorded: 0. Already recorded before: 2." in page
    assert len(attempts(app)) == 2
    bad = client.post("/sync/import", data={"csrf_token": csrf_token(client, "/sync/import"),
                                            "file": (io.BytesIO(b"{nope"), "x.json")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "no pending answers that could be read" in bad.get_data(as_text=True)


def test_the_reply_carries_the_sessions_form_token(client: FlaskClient) -> None:
    """A first sync may make the visitor a guest with a new session: the page's forms need its token."""
    reply = send(client, [queued_quiz(client)])
    assert reply.json["form_token"] == csrf_token(client, STEP_URL)


def test_a_device_asks_for_the_token_first_and_a_lost_reply_is_sent_again_as_the_same_guest(
        app: Flask, client: FlaskClient) -> None:
    """GET /sync, before each send from any page (a block's start page has no form to read a token
    from), gives the session's form token, never stored by a cache, and writes nothing: it only
    chooses, in the cookie, the id of the guest session the send will make. A send whose reply
    (and so its cookie) was lost goes again as that same guest, and the token stays valid."""
    item = queued_quiz(client)  # answered offline by a first-time visitor: no learner yet
    ready = client.get("/sync")
    assert ready.status_code == 200 and "no-store" in ready.headers["Cache-Control"]
    with app.app_context():
        assert db.session().scalars(select(User.id)).all() == []  # a GET makes no guest
    cookie = app.config["SESSION_COOKIE_NAME"]
    before_send = client.get_cookie(cookie).value
    for expected in ("recorded", "already recorded"):
        client.set_cookie(cookie, before_send)  # the second: the first's reply never arrived
        sent = send(client, [item], token=ready.json["form_token"])
        assert statuses(sent) == [expected]
        assert sent.json["form_token"] == ready.json["form_token"]  # the page's forms stay valid
    with app.app_context():
        learners = db.session().scalars(select(User.id)).all()
    assert len(learners) == 1 and [a.user_id for a in attempts(app)] == learners
    assert statuses(send(client, [item], token=ready.json["form_token"])) == ["already recorded"]
    stranger = client.application.test_client()  # another session's token is no use here
    assert send(client, [queued_quiz(client)], token=stranger.get("/sync").json["form_token"]).status_code == 400


# -- the rows of each kind written together per batch (issue 17's measure) --------------------
def _quiz_item(fields: dict[str, Any], action: str) -> dict[str, Any]:
    return {"client_id": new_id(), "url": QUIZ_URL, "version": BLOCK.version, "fields": {**fields, "action": action}}


def test_a_save_and_its_submit_in_one_batch_are_one_attempt_with_every_answer(app: Flask, client: FlaskClient) -> None:
    """Saved offline with half the answers, then submitted with the other half: the batch writes
    one attempt, finished, holding both items' answers, and scores it on all of them."""
    seed = int(form_on_page(client.get(STEP_URL).get_data(as_text=True), QUIZ)["seed"])
    names = names_for(client, seed)
    half = len(QUIZ.questions) // 2

    def fields(questions: list[Any]) -> dict[str, Any]:
        return {"seed": str(seed), **{name: value for q in questions
                                      for name, value in form_fields(q, correct_response(q), names).items()}}

    save = _quiz_item(fields(QUIZ.questions[:half]), "save")
    submit = _quiz_item(fields(QUIZ.questions[half:]), "submit")
    reply = send(client, [save, submit])
    assert [(r["status"], r["attempt"]) for r in reply.json["results"]] == [("recorded", None), ("recorded", 1)]
    (attempt,) = attempts(app)
    assert attempt.percent == 100.0 and attempt.passed
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Attempt)) == 1  # no open attempt left behind
        answered = session.scalars(select(Answer.question_id).where(Answer.attempt_id == attempt.id)).all()
    assert sorted(answered) == sorted(q.id for q in QUIZ.questions if q.type.value not in ("likert", "reflection"))


def test_a_batch_costs_the_same_few_statements_however_long_it_is(app: Flask, client: FlaskClient) -> None:
    """The statements of a batch do not grow item by item (only by one per group of rows that a
    multi-row INSERT holds, 4 attempts or 16 claims): a per-item write shows here."""
    first = BLOCK.sections[0].id
    assert statuses(send(client, [{"client_id": new_id(), "url": f"/courses/core-blocks/{BLOCK.id}/{first}",
                                   "fields": {"go": "next"}}])) == ["recorded"]  # the device's guest exists now
    token = csrf_token(client, STEP_URL)
    counted = []
    for queue in ([queued_quiz(client, right=False)], [queued_quiz(client, right=False) for _ in range(2)]):
        statements = []
        engine = app.extensions["coursepack_engine"]

        def listen(*args: Any, seen: list[str] = statements) -> None:
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert statuses(send(client, queue, token)) == ["recorded"] * len(queue)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        counted.append(len(statements))
    assert counted[0] == counted[1] <= 10, counted
    assert len(attempts(app)) == 3


def test_steps_seen_and_a_quiz_in_one_batch_leave_the_learner_where_they_went_last(app: Flask, client: FlaskClient) -> None:
    sections = [s.id for s in BLOCK.sections]
    seen = [{"client_id": new_id(), "url": f"/courses/core-blocks/{BLOCK.id}/{step}", "fields": {"go": "next"}}
            for step in sections[:2]]
    assert statuses(send(client, [seen[0], queued_quiz(client), seen[1]])) == ["recorded"] * 3
    with app.app_context():
        session = db.session()
        assert sorted(session.scalars(select(SectionView.section_id)).all()) == sorted(sections[:2])
        progress = session.scalars(select(BlockProgress)).one()
    assert progress.last_section == sections[2]


def test_a_download_stores_the_not_on_this_device_page_in_its_language(client: FlaskClient) -> None:
    """The service worker shows it, offline, for a page never downloaded: in the download's language."""
    manifest = client.get(f"/courses/core-blocks/{BLOCK.id}/offline.json?lang=uk").json
    assert "/offline/missing" in manifest["pages"] and manifest["lang"] == "uk"
    assert "Цієї сторінки немає на цьому пристрої" in client.get("/offline/missing?lang=uk").get_data(as_text=True)
