"""The catalogue of courses, each course's page, and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import literal, select

from player.domain.progress import course_completed, course_states
from player.store.database import Read
from player.web import db
from player.web.access import allow
from player.web.auth import current_user
from player.web.content import store
from player.web.views.common import learner_id, localised_blocks, visible_course

bp = Blueprint("catalog", __name__)


@bp.get("/")
@allow("public")
def index() -> str:
    """Every course the visitor may open."""
    user = current_user()
    signed_in = user is not None and not user.is_guest
    courses = [c for c in store().all() if c.public or signed_in]
    return render_template("catalog.html", courses=courses)


@bp.get("/courses/<course_id>/")
@allow("guest")
def course(course_id: str) -> str:
    """A course: its blocks and the learner's state in each."""
    found = visible_course(course_id)
    statuses = course_states(db.session(), learner_id(), found)
    return render_template(
        "course.html", course=found, blocks=localised_blocks(found), statuses=statuses,
        completed=course_completed(statuses),
    )


_ALIVE = Read(select(literal(1).label("alive")))


@bp.get("/healthz")
@allow("public")
def healthz():  # noqa: ANN201
    """200 when the app and its database answer."""
    _ALIVE.rows(db.reader(), {})
    return jsonify(status="ok", courses=len(store().courses))
