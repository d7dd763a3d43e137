"""For trainers and authors: any block with facilitator notes inline, and content problems."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from player.access import allow
from player.content import store

bp = Blueprint("preview", __name__)


@bp.get("/preview/<course_id>/<block_id>/")
@allow("trainer")
def block(course_id: str, block_id: str) -> str:
    found = store().block(course_id, block_id)
    if found is None:
        abort(404)
    course, block_ = found
    return render_template("preview.html", course=course, block=block_)


@bp.get("/preview/problems")
@allow("trainer")
def problems() -> str:
    """Validation reports of edits that were refused; learners still get the last good version."""
    content = store()
    content.refresh()
    return render_template("problems.html", problems=content.problems)
