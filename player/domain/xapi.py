"""xAPI statements of what learners do, written to the outbox and sent to a learning record
store (LRS) by `coursepack xapi send` (docs/lti-xapi.md).

Activity ids are made from the content's stable ids (course, block, quiz, question), so they do
not change when a block is edited or translated. The learner is an account with a random
pseudonym by default (`XapiAgent`), or a hashed mailbox; the raw email goes only where the
deployment asks for it. The language the learner took the block in is the statement's context.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.model import Block, Quiz
from blocks.scoring import Score
from player.domain.http import TIMEOUT, Reply, Unreachable, call
from player.domain.outbox import SENT, Outcome, Sender, enqueue
from player.domain.progress import AttemptRow
from player.store.models import OutboxMessage, User, XapiAgent, utcnow

CHANNEL = "xapi"
VERSION = "1.0.3"
ACTORS = ("account", "mbox_sha1sum", "mbox")
ADL = "http://adlnet.gov/expapi"
VERBS = ("attempted", "answered", "completed", "passed", "failed")
MODULE, ASSESSMENT, INTERACTION = (f"{ADL}/activities/{kind}" for kind in ("module", "assessment", "cmi.interaction"))


@dataclass(frozen=True)
class XapiSettings:
    """Where statements go and how learners appear in them (COURSEPACK_XAPI_* settings)."""

    endpoint: str  # the LRS's xAPI address, e.g. https://lrs.example.org/xapi/
    key: str
    secret: str
    home: str  # the player's public address: the account homePage and the root of activity ids
    actor: str = "account"  # one of ACTORS
    timeout: float = TIMEOUT

    def __post_init__(self) -> None:
        if self.actor not in ACTORS:
            raise ValueError(f"COURSEPACK_XAPI_ACTOR is {self.actor!r}; use one of {', '.join(ACTORS)}")
        if not self.home.startswith(("http://", "https://")):
            raise ValueError("COURSEPACK_PUBLIC_URL must be the player's https:// address when COURSEPACK_XAPI_ENDPOINT is set")


# -- ids ------------------------------------------------------------------------------------
def block_id_iri(settings: XapiSettings, course_id: str, block_id: str) -> str:
    """A block's activity id: its stable address in the player (SPEC 9)."""
    return f"{settings.home.rstrip('/')}/courses/{course_id}/{block_id}/"


def _activity(iri: str, kind: str, name: str | None = None, lang: str = "en") -> dict[str, Any]:
    definition: dict[str, Any] = {"type": kind}
    if name:
        definition["name"] = {lang: name}
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _block(settings: XapiSettings, course_id: str, block: Block) -> dict[str, Any]:
    return _activity(block_id_iri(settings, course_id, block.id), MODULE, block.title, block.lang)


def _quiz(settings: XapiSettings, course_id: str, block: Block, quiz: Quiz) -> dict[str, Any]:
    return _activity(f"{block_id_iri(settings, course_id, block.id)}quizzes/{quiz.id}", ASSESSMENT)


def _question(settings: XapiSettings, course_id: str, block: Block, question_id: str) -> dict[str, Any]:
    return _activity(f"{block_id_iri(settings, course_id, block.id)}questions/{question_id}", INTERACTION)


# -- the learner ----------------------------------------------------------------------------
def pseudonym(db: Session, user_id: int) -> str:
    """The learner's account name in statements: random, made once, gone with the account."""
    found = db.get(XapiAgent, user_id)
    if found is None:
        found = XapiAgent(user_id=user_id, name=str(uuid.uuid4()))
        db.add(found)
    return found.name


def agent(db: Session, settings: XapiSettings, user_id: int) -> dict[str, Any]:
    """The learner as the deployment chose; a learner without an email is always an account."""
    email = db.scalar(select(User.email).where(User.id == user_id)) if settings.actor != "account" else None
    if email and settings.actor == "mbox":
        return {"objectType": "Agent", "mbox": f"mailto:{email}"}
    if email and settings.actor == "mbox_sha1sum":
        return {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{email}".encode()).hexdigest()}  # noqa: S324 - xAPI's own hash
    return {"objectType": "Agent", "account": {"homePage": settings.home, "name": pseudonym(db, user_id)}}


# -- statements -----------------------------------------------------------------------------
def _statement(actor: dict[str, Any], verb: str, target: dict[str, Any], lang: str, *,
               result: dict[str, Any] | None = None, parents: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A statement with its id and timestamp fixed now: a resend is the same statement."""
    context: dict[str, Any] = {"language": lang, "platform": "coursepack"}
    if parents:
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": p["id"]} for p in parents[:1]],
                                        "grouping": [{"objectType": "Activity", "id": p["id"]} for p in parents[1:]]}
    statement = {
        "id": str(uuid.uuid4()), "actor": actor,
        "verb": {"id": f"{ADL}/verbs/{verb}", "display": {"en-US": verb}},
        "object": target, "context": context,
        "timestamp": utcnow().isoformat(timespec="milliseconds") + "Z",
    }
    if result is not None:
        statement["result"] = result
    return statement


def _queue(db: Session, user_id: int, statement: dict[str, Any]) -> None:
    enqueue(db, CHANNEL, user_id, statement, message_id=statement["id"])


def block_started(db: Session, settings: XapiSettings, user_id: int, course_id: str, block: Block) -> None:
    """attempted: the learner opened the block for the first time."""
    _queue(db, user_id, _statement(agent(db, settings, user_id), "attempted", _block(settings, course_id, block), block.lang))


def quiz_submitted(db: Session, settings: XapiSettings, user_id: int, course_id: str, block: Block, quiz: Quiz,
                   attempt: AttemptRow, scores: dict[str, Score]) -> None:
    """answered for each question of the attempt, then passed or failed for the quiz."""
    actor = agent(db, settings, user_id)
    quiz_activity, block_activity = _quiz(settings, course_id, block, quiz), _block(settings, course_id, block)
    for question in quiz.questions:
        score = scores.get(question.id)
        if score is None:
            continue
        result = {"success": score.points >= score.max_points,
                  "score": {"raw": score.points, "min": 0, "max": score.max_points, "scaled": _scaled(score.points, score.max_points)}}
        _queue(db, user_id, _statement(actor, "answered", _question(settings, course_id, block, question.id),
                                       block.lang, result=result, parents=(quiz_activity, block_activity)))
    percent = attempt.percent or 0.0
    result = {"success": bool(attempt.passed), "completion": True,
              "score": {"raw": percent, "min": 0, "max": 100, "scaled": _scaled(percent, 100)}}
    verb = "passed" if attempt.passed else "failed"
    _queue(db, user_id, _statement(actor, verb, quiz_activity, block.lang, result=result, parents=(block_activity,)))


def block_finished(db: Session, settings: XapiSettings, user_id: int, course_id: str, block: Block,
                   completed: bool, passed: bool | None) -> None:
    """completed when the block's completion is stamped; passed (or failed) with its success."""
    actor, activity = agent(db, settings, user_id), _block(settings, course_id, block)
    if completed:
        _queue(db, user_id, _statement(actor, "completed", activity, block.lang, result={"completion": True}))
    if passed is not None:
        verb = "passed" if passed else "failed"
        _queue(db, user_id, _statement(actor, verb, activity, block.lang, result={"completion": True, "success": passed}))


def _scaled(value: float, maximum: float) -> float:
    return round(max(0.0, min(1.0, value / maximum)), 4) if maximum else 0.0


# -- sending --------------------------------------------------------------------------------
def sender(settings: XapiSettings) -> Sender:
    """Send a batch in one POST; when the LRS refuses the batch, each statement with its own PUT,
    so one bad or conflicting statement neither holds the others back nor is retried forever."""
    def send(messages: Sequence[OutboxMessage]) -> dict[str, Outcome]:
        try:
            reply = _request(settings, "POST", "statements", [m.payload for m in messages])
        except Unreachable as error:
            return {m.id: Outcome(False, f"no answer from the LRS: {error}") for m in messages}
        if reply.status in (200, 204):
            return {m.id: SENT for m in messages}
        if reply.status in (400, 409) and len(messages) > 1:
            return {m.id: _put(settings, m) for m in messages}
        return {m.id: _outcome(reply) for m in messages}
    return send


def _put(settings: XapiSettings, message: OutboxMessage) -> Outcome:
    try:
        return _outcome(_request(settings, "PUT", f"statements?statementId={message.id}", message.payload))
    except Unreachable as error:
        return Outcome(False, f"no answer from the LRS: {error}")


def _outcome(reply: Reply) -> Outcome:
    """What an LRS's answer means for a statement (xAPI 1.0.3, part three, 2.1)."""
    if reply.status in (200, 204):
        return SENT
    if reply.status == 409:
        return Outcome(False, f"the LRS holds a different statement with this id (409): {reply.text}", final=True)
    if reply.status in (400, 413):
        return Outcome(False, f"the LRS refused the statement ({reply.status}): {reply.text}", final=True)
    if reply.status in (401, 403):
        return Outcome(False, f"the LRS refused the key and secret ({reply.status}); check COURSEPACK_XAPI_KEY and _SECRET")
    return Outcome(False, f"the LRS answered {reply.status}: {reply.text}")


def _request(settings: XapiSettings, method: str, path: str, body: Any) -> Reply:
    credentials = base64.b64encode(f"{settings.key}:{settings.secret}".encode()).decode()
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION,
               "Authorization": f"Basic {credentials}"}
    url = settings.endpoint.rstrip("/") + "/" + path
    return call(method, url, json.dumps(body).encode(), headers, settings.timeout)
