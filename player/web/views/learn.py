"""Taking a block: its start page, one step per section, the closing evaluation, and media."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from blocks.media import MEDIA_CSP, UnsafePath, media_type, safe_file
from blocks.model import Block
from blocks.scoring import InvalidResponse
from player.domain.progress import course_states, waiting_for
from player.domain.recording import QuizAnswers, Where, mark_viewed, record_quiz, record_survey
from player.web import db
from player.web.access import allow, may
from player.web.auth import ensure_learner
from player.web.forms import SURVEY_SEED, field_names, responses, submitted_seed
from player.web.step_page import EVALUATION_STEP, neighbours, render_step, steps
from player.web.templating import QUIZ_PLACE
from player.web.views.common import client_id, course_and_block, learner_id, open_block, quiz_or_404, section_or_404

bp = Blueprint("learn", __name__)


@bp.get("/courses/<course_id>/<block_id>/")
@allow("guest")
def block_start(course_id: str, block_id: str) -> str:
    """Content note, outcomes and the way in (start or resume)."""
    course, block = course_and_block(course_id, block_id)
    statuses = course_states(db.reader(), learner_id(), course)
    return render_template(
        "block_start.html", course=course, block=block, status=statuses[block.id],
        waiting=waiting_for(course, statuses, block), trainer=may("trainer"),
    )


@bp.get("/courses/<course_id>/<block_id>/<step_id>")
@allow("guest")
def step(course_id: str, block_id: str, step_id: str) -> str:
    """One step: a section's content, prompts, quiz and surveys, never facilitator notes."""
    course, block = open_block(course_id, block_id)
    if step_id != EVALUATION_STEP:
        section_or_404(block, step_id)
    return render_step(course, block, step_id, learner_id())


@bp.post("/courses/<course_id>/<block_id>/<step_id>")
@allow("guest")
def leave_step(course_id: str, block_id: str, step_id: str) -> Response:
    """Previous or next: the step counts as viewed, the learner's place is remembered, and the
    answers of the step's quiz, when the buttons carried its form, are kept as a draft."""
    course, block = open_block(course_id, block_id)
    if step_id not in steps(block):
        abort(404)
    step_url = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id)
    try:
        draft = _draft(block, step_id)
    except InvalidResponse:
        quiz_id = request.form.get("quiz", "")
        flash(_("One answer could not be read; please check it and save again."), f"error{QUIZ_PLACE}{quiz_id}")
        return redirect(f"{step_url}#{quiz_id}")
    previous, following = neighbours(block, step_id)
    target = previous if request.form.get("go") == "previous" else following
    user = ensure_learner()
    with db.writing() as write:
        where = Where(user.id, course.id, block)
        if draft is not None:
            record_quiz(write, where, draft, client_id())
        mark_viewed(write, where, step_id if step_id != EVALUATION_STEP else "", target or step_id)
    if draft is not None:
        flash(_("Your quiz answers are kept as a draft: submit them when you are ready."), "success")
    if target is None:
        return redirect(url_for("learn.block_start", course_id=course.id, block_id=block.id, done=1))
    return redirect(url_for("learn.step", course_id=course.id, block_id=block.id, step_id=target))


def _draft(block: Block, step_id: str) -> QuizAnswers | None:
    """The answers of the quiz form the navigation buttons belonged to, if any were given: saved
    like "Save answers" (same client id rules), never submitted."""
    quiz_id = request.form.get("quiz")
    if not quiz_id:
        return None
    quiz = quiz_or_404(block, step_id, quiz_id)
    given = QuizAnswers.read(quiz, responses(quiz.questions, field_names(submitted_seed())), submit=False)
    return given if given.responses else None


@bp.post("/courses/<course_id>/<block_id>/<step_id>/survey/<survey_id>")
@allow("guest")
def survey(course_id: str, block_id: str, step_id: str, survey_id: str) -> Response:
    """Survey and reflection answers; the standard evaluation included."""
    course, block = open_block(course_id, block_id)
    found = block.evaluation if survey_id == block.evaluation.id else next((s for s in block.surveys if s.id == survey_id), None)
    if found is None:
        abort(404)
    submission = client_id()
    target = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id)
    try:
        given = responses(found.questions, field_names(SURVEY_SEED))
        user = ensure_learner()
        with db.writing() as write:
            record_survey(write, Where(user.id, course.id, block), found, given, submission)
    except InvalidResponse:
        flash(_("One answer could not be read; please check it and send again."), "error")
        return redirect(f"{target}#{survey_id}")
    return redirect(f"{url_for('learn.step', course_id=course.id, block_id=block.id, step_id=step_id, saved=survey_id)}#{survey_id}")


@bp.get("/courses/<course_id>/<block_id>/media/<path:filename>")
@allow("guest")
def media(course_id: str, block_id: str, filename: str) -> Response:
    """Files from the block's own media folder, of the types that carry no script, and nothing
    outside it or behind a symlink (blocks.media: the rule the exporter reads by too). Whatever
    the browser opens is a sandboxed document: no script runs in the player's origin."""
    _course, block = course_and_block(course_id, block_id)
    served = media_type(filename)
    try:
        path = safe_file(block.folder, f"media/{filename}")
    except UnsafePath:
        abort(404)
    if served is None:
        abort(404)
    response = send_file(path, mimetype=served.content_type, as_attachment=served.download,
                         download_name=path.name, max_age=3600, conditional=True)
    response.headers["Content-Type"] = served.content_type  # as it is: Werkzeug would add a second charset to text/*
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/courses/<course_id>/<block_id>/handouts/<handout_id>")
@allow("guest")
def handout(course_id: str, block_id: str, handout_id: str) -> str:
    """A handout on its own page, ready to print or save."""
    course, block = course_and_block(course_id, block_id)
    found = next((h for h in block.handouts if h.id == handout_id), None)
    if found is None:
        abort(404)
    return render_template("handout.html", course=course, block=block, handout=found)
