"""Grade passback (LTI Assignment and Grade Services 2.0): when a block a learner launched from
an LMS link is completed, or later passed, a score for its grade column goes to the outbox, and
`coursepack lti send` posts it with a service token the tool asks the platform for.

The score is the mean of the best percentages of the block's check and post-test quizzes (a
block without such quizzes scores 100 when completed), out of 100, Completed and FullyGraded.
Its timestamp is fixed when it is queued, so a score posted twice changes nothing at the LMS.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from player.domain.http import Reply, Unreachable, call
from player.domain.lti import sign
from player.domain.outbox import SENT, Outcome, Sender, enqueue
from player.domain.progress import BlockStatus
from player.store.models import LtiAccount, LtiGradeTarget, LtiPlatform, OutboxMessage, utcnow

CHANNEL = "lti-score"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def block_score(status: BlockStatus) -> float:
    counted = [q.best or 0.0 for q in status.counted]
    return round(sum(counted) / len(counted), 2) if counted else 100.0


def queue_score(db: Session, user_id: int, course_id: str, status: BlockStatus) -> None:
    """A score for every LMS grade column the learner reached this block from."""
    targets = db.scalars(select(LtiGradeTarget).filter_by(user_id=user_id, course_id=course_id, block_id=status.block.id))
    for target in targets:
        subject = db.scalar(select(LtiAccount.subject).filter_by(user_id=user_id, platform_id=target.platform_id))
        if subject is None:
            continue
        score = {
            "userId": subject, "scoreGiven": block_score(status), "scoreMaximum": 100,
            "activityProgress": "Completed" if status.completed else "InProgress",
            "gradingProgress": "FullyGraded" if status.completed else "Pending",
            "timestamp": utcnow().isoformat(timespec="milliseconds") + "Z",
        }
        enqueue(db, CHANNEL, user_id, score, target=target.lineitem, platform_id=target.platform_id)


def scores_url(lineitem: str) -> str:
    """The scores endpoint of a line item: its path with /scores, its query kept (AGS 3.4)."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def sender(db: Session) -> Sender:
    """Post scores with a token per platform, asked for once per run (client credentials with
    a JWT signed by the tool's key, as LTI 1.3's security framework prescribes)."""
    tokens: dict[int, str] = {}

    def send(messages: Sequence[OutboxMessage]) -> dict[str, Outcome]:
        return {m.id: _send_one(db, tokens, m) for m in messages}
    return send


def _send_one(db: Session, tokens: dict[int, str], message: OutboxMessage) -> Outcome:
    platform = db.get(LtiPlatform, message.platform_id) if message.platform_id else None
    if platform is None:
        return Outcome(False, "the platform of this score was removed", final=True)
    try:
        if platform.id not in tokens:
            tokens[platform.id] = _token(db, platform)
        reply = call("POST", scores_url(message.target), json.dumps(message.payload).encode(),
                     {"Content-Type": SCORE_TYPE, "Authorization": f"Bearer {tokens[platform.id]}"})
    except Unreachable as error:
        return Outcome(False, f"no answer from {platform.name}: {error}")
    except TokenRefused as error:
        return Outcome(False, str(error))
    return _outcome(platform, reply)


def _outcome(platform: LtiPlatform, reply: Reply) -> Outcome:
    if reply.status in (200, 201, 202, 204):
        return SENT
    if reply.status in (400, 404, 422):
        return Outcome(False, f"{platform.name} refused the score ({reply.status}): {reply.text}", final=True)
    return Outcome(False, f"{platform.name} answered {reply.status}: {reply.text}")


class TokenRefused(Exception):
    pass


def _token(db: Session, platform: LtiPlatform) -> str:
    now = int(time.time())
    assertion = sign(db, {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.auth_token_url,
                          "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex})
    form = urlencode({
        "grant_type": "client_credentials", "scope": SCORE_SCOPE,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion,
    }).encode()
    reply = call("POST", platform.auth_token_url, form, {"Content-Type": "application/x-www-form-urlencoded"})
    try:
        token = json.loads(reply.body)["access_token"] if reply.status == 200 else None
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str):
        raise TokenRefused(f"{platform.name} gave no service token ({reply.status}): {reply.text}; "
                           "check the tool's key set URL and the token URL registered with 'coursepack lti list'")
    return token
