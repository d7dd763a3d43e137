"""The sync endpoint: a device's queued submissions, recorded at most once each (docs/offline.md).

A device queues exactly what the page's form would have posted: the form's address and its
fields (client id included). `POST /sync` takes a batch of them as JSON, reads each as the
online view would (the same question homes, the same field tokens), and records them all in
one transaction through `player.domain.sync`. The reply has one answer per item. The form
token travels in the `X-CSRFToken` header, as for any request that changes something.

`POST /sync/import` takes the same items from a file a learner exported on another device
(the pending-answers file), for a learner who has no connection on that device at all.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from blocks.model import Block, Course, Quiz
from blocks.qtypes.base import FieldNames
from blocks.scoring import InvalidResponse
from player.domain.progress import course_states, required_before, waiting_for
from player.domain.recording import CLIENT_ID, QuizAnswers, Where
from player.domain.sync import MAX_ITEMS, Held, QuizItem, Queued, Status, SurveyItem, Synced, ViewItem, record_batch
from player.web import db
from player.web.access import allow
from player.web.auth import ensure_learner, prepare_guest
from player.web.content import store
from player.web.security import csrf_token
from player.web.forms import MAX_SEED, SURVEY_SEED, field_names, responses
from player.web.step_page import EVALUATION_STEP, neighbours, steps

bp = Blueprint("sync", __name__)
MAX_FILE_BYTES = 2_000_000  # a pending-answers file: a few hundred submissions at most


@bp.post("/sync")
@allow("guest")
def sync() -> Response:
    """Record a batch of queued items; answer each with recorded, already recorded, held or refused."""
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 0 < len(items) <= MAX_ITEMS:
        return Response(json.dumps({"error": f"send {{\"items\": [...]}} with 1 to {MAX_ITEMS} items"}), 400, mimetype="application/json")
    results = [_answer(found) for found in _record(items)]
    # The session's form token, as GET /sync gave it (making a guest keeps the session's secret):
    # a device that skipped GET /sync puts this one in its page's forms.
    return jsonify(results=results, form_token=csrf_token())


@bp.get("/sync")
@allow("guest")
def form_token() -> Response:
    """Ready to send: the session's form token, asked before each send (a page without a form has
    none to read). A first-time visitor's guest session id is chosen here, in the cookie only, and
    the send makes the guest with it: a send whose reply is lost goes again as the same guest."""
    prepare_guest()
    return jsonify(form_token=csrf_token())


@bp.get("/sync/import")
@allow("guest")
def import_form() -> str:
    return render_template("sync_import.html")


@bp.post("/sync/import")
@allow("guest")
def import_file() -> Response:
    """Pending answers exported from a device, sent from this one (idempotent by client id)."""
    upload = request.files.get("file")
    data = upload.stream.read(MAX_FILE_BYTES + 1) if upload else b""
    try:
        items = json.loads(data.decode("utf-8")).get("items") if data and len(data) <= MAX_FILE_BYTES else None
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        items = None
    if not isinstance(items, list) or not items:
        flash(_("This file holds no pending answers that could be read."), "error")
        return redirect(url_for("sync.import_form"))
    counts = {status: 0 for status in Status}
    for start in range(0, len(items), MAX_ITEMS):
        for found in _record(items[start:start + MAX_ITEMS]):
            counts[found.status] += 1
    flash(_("Recorded: %(recorded)d. Already recorded before: %(already)d. Kept but not counted: %(held)d. Could not be read: %(refused)d.",
            recorded=counts[Status.RECORDED], already=counts[Status.ALREADY], held=counts[Status.HELD],
            refused=counts[Status.REFUSED]), "info")
    return redirect(url_for("sync.import_form"))


def _record(items: list[Any]) -> list[Synced]:
    user = ensure_learner()
    reading = _Reading()
    queued = [_read(item, user.id, reading) for item in items]
    with db.writing() as write:
        return record_batch(write, user.id, queued)


def _answer(found: Synced) -> dict[str, Any]:
    return {"client_id": found.client_id, "status": found.status.value, "reason": found.reason, "attempt": found.attempt}


# -- reading one item as the online view would ---------------------------------------------------
class _Reading:
    """What the items of one batch share, worked out once for the batch: a device queues many
    submissions of the same few forms, to the same addresses, with the same seed."""

    def __init__(self) -> None:
        self.adapter = current_app.url_map.bind("localhost")
        self.routes: dict[str, tuple[str, dict[str, Any]] | None] = {}
        self.names: dict[int, FieldNames] = {}  # each keeps the tokens it has hashed

    def route(self, url: str) -> tuple[str, dict[str, Any]] | None:
        """The endpoint and arguments a queued form's address names; None for none."""
        path = url.split("?")[0]
        if path not in self.routes:
            try:
                self.routes[path] = self.adapter.match(path, method="POST")
            except HTTPException:
                self.routes[path] = None
        return self.routes[path]

    def field_names(self, seed: int) -> FieldNames:
        if seed not in self.names:
            self.names[seed] = field_names(seed)
        return self.names[seed]


def _read(item: Any, user_id: int, reading: _Reading) -> Queued:
    """An item's work, or why it is held or refused; nothing is written here."""
    if not isinstance(item, dict):
        return Queued("", {}, refused="an item is an object with client_id, url and fields")
    client_id, url, fields = item.get("client_id"), item.get("url"), item.get("fields", {})
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        return Queued(str(client_id)[:64], {}, refused="client_id: 16 to 64 letters, digits or hyphens")
    payload = {"url": url, "fields": fields, "version": item.get("version")}
    form = _form(fields)
    if not isinstance(url, str) or form is None:
        return Queued(client_id, payload, refused="url is a path of the player and fields an object of texts")
    route = reading.route(url)
    if route is None:
        return Queued(client_id, payload, refused=f"nothing to send to at {url}")
    endpoint, args = route
    found = store().block(args.get("course_id", ""), args.get("block_id", ""))
    if found is None:
        return Queued(client_id, payload, refused="this block is no longer offered")
    course, block = found
    where = Where(user_id, course.id, block)
    if _locked(course, block, user_id):
        return Queued(client_id, payload, refused="this block opens after the blocks before it are completed")
    version = item.get("version")
    if version is not None and version != block.version:
        return Queued(client_id, payload, held=Held.CONTENT_CHANGED, held_where=where)
    try:
        work = _work(endpoint, args, block, where, form, reading)
    except (InvalidResponse, LookupError, ValueError) as problem:
        return Queued(client_id, payload, refused=str(problem) or "an answer could not be read")
    return Queued(client_id, payload, work=work)


def _form(fields: Any) -> MultiDict[str, str] | None:
    if not isinstance(fields, dict):
        return None
    pairs = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            return None
        pairs += [(name, v) for v in values]
    return MultiDict(pairs)


def _locked(course: Course, block: Block, user_id: int) -> bool:
    required = required_before(course, block)
    return bool(required and waiting_for(course, course_states(db.reader(), user_id, course, required), block))


def _work(endpoint: str, args: dict[str, Any], block: Block, where: Where, form: MultiDict[str, str],
          reading: _Reading) -> QuizItem | SurveyItem | ViewItem:
    """What the online view of `endpoint` would record from this form."""
    step_id = args["step_id"]
    if endpoint == "quiz.answer":
        section = block.section(step_id)
        quiz = next((q for q in section.nodes(Quiz) if q.id == args["quiz_id"]), None) if section else None
        if quiz is None:
            raise LookupError(f"no quiz {args['quiz_id']} on step {step_id}")
        seed = form.get("seed", "")
        if not (seed.isascii() and seed.isdigit()) or int(seed) > MAX_SEED:
            raise ValueError("the form's seed is missing")
        # anyway: the device could not ask about unanswered questions; the learner pressed Submit
        given = QuizAnswers.read(quiz, responses(quiz.questions, reading.field_names(int(seed)), form),
                                 submit=form.get("action") == "submit", anyway=True, seed=int(seed))
        return QuizItem(where, given)
    if endpoint == "learn.survey":
        survey_id = args["survey_id"]
        survey = block.evaluation if survey_id == block.evaluation.id else next((s for s in block.surveys if s.id == survey_id), None)
        if survey is None:
            raise LookupError(f"no survey {survey_id}")
        return SurveyItem(where, survey, responses(survey.questions, reading.field_names(SURVEY_SEED), form))
    if endpoint == "learn.leave_step" and step_id in steps(block):
        previous, following = neighbours(block, step_id)
        target = previous if form.get("go") == "previous" else following
        return ViewItem(where, step_id if step_id != EVALUATION_STEP else "", target or step_id)
    raise LookupError(f"{endpoint} is not something a device queues")
