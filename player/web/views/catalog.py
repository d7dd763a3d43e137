"""The catalogue of courses, each course's page, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import literal, select
from werkzeug.wrappers import Response

from player.domain.progress import course_completed, course_states
from player.store.database import Read
from player.web import db
from player.web.access import allow
from player.web.auth import limiter
from player.web.content import store
from player.web.views.common import learner_id, listed_courses, localised_blocks, visible_course

bp = Blueprint("catalog", __name__)


@bp.get("/")
@allow("public")
def index() -> str:
    """The courses offered to the visitor (internal ones to admins only)."""
    return render_template("catalog.html", courses=listed_courses())


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


@bp.get("/favicon.ico")
@allow("public")
def favicon() -> Response:
    """The icon for clients that ask at the old fixed address instead of reading the page's link."""
    return send_from_directory(current_app.static_folder or "", "favicon.svg", mimetype="image/svg+xml", max_age=86400)


_ALIVE = Read(select(literal(1).label("alive")))


@bp.get("/healthz")
@allow("public")
def healthz():  # noqa: ANN201
    """200 when the app and its database answer, and the database has this release's schema (503
    when not: it would answer reads and fail on the first write)."""
    _ALIVE.rows(db.reader(), {})
    if not _schema_current():
        return jsonify(status="the database has not been upgraded to this release's schema: run coursepack db upgrade"), 503
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("redis") and not limiter.storage.check():
        return jsonify(status="Redis (COURSEPACK_REDIS_URL), which keeps the throttling counters, does not answer: "
                              "signing in and signing up fail until it does"), 503
    content = store()
    return jsonify(status="ok", courses=len(content.courses), not_served=content.not_served)


def _schema_current() -> bool:
    """Asked of the database until it says yes, then known: a schema does not go back."""
    extensions = current_app.extensions
    if not extensions.get("coursepack_schema_current"):
        from player.store.migrate import pending

        extensions["coursepack_schema_current"] = not pending(db.engine())
    return bool(extensions["coursepack_schema_current"])
