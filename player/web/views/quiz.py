"""Quizzes: answers saved as they are given, scored on the server, results with feedback."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from blocks.model import Block, Quiz
from blocks.scoring import InvalidResponse
from player.domain.progress import block_status, latest_answers
from player.domain.recording import claim, open_attempt, record_answer, submit_attempt
from player.store.models import Attempt
from player.web import db
from player.web.access import allow
from player.web.auth import ensure_learner
from player.web.forms import field_names, responses, submitted_seed
from player.web.views.common import client_id, course_and_block, learner_id, open_block, section_or_404

bp = Blueprint("quiz", __name__)


def _quiz(block: Block, step_id: str, quiz_id: str) -> Quiz:
    section = section_or_404(block, step_id)
    quiz = next((q for q in section.nodes(Quiz) if q.id == quiz_id), None)
    if quiz is None:
        abort(404)
    return quiz


@bp.post("/courses/<course_id>/<block_id>/<step_id>/quiz/<quiz_id>")
@allow("guest")
def answer(course_id: str, block_id: str, step_id: str, quiz_id: str) -> Response:
    """Save the answers given (action=save) and, on action=submit, score the attempt."""
    course, block = open_block(course_id, block_id)
    quiz = _quiz(block, step_id, quiz_id)
    submission = client_id()
    step_url = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id)
    try:
        given = responses(quiz.questions, field_names(submitted_seed()))
    except InvalidResponse:
        return _unreadable(step_url, quiz)
    user = ensure_learner()
    with db.writing() as write:
        if not claim(write, user.id, submission):
            return redirect(f"{step_url}#{quiz.id}")  # a double submit: the first one counted
        attempt = open_attempt(write, user.id, course.id, block, quiz)
        if attempt is None:
            flash(_("You have used all attempts at this quiz."), "info")
            return redirect(f"{step_url}#{quiz.id}")
        if not _save(write, attempt, quiz, given):
            return _unreadable(step_url, quiz)
        if request.form.get("action") != "submit":
            flash(_("Your answers are saved."), "success")
            return redirect(f"{step_url}#{quiz.id}")
        submit_attempt(write, attempt, quiz, block)
        number = attempt.number
    return redirect(url_for("quiz.result", course_id=course.id, block_id=block.id, step_id=step_id, quiz_id=quiz.id, number=number))


def _save(write: Session, attempt: Attempt, quiz: Quiz, given: dict[str, dict[str, Any]]) -> bool:
    """Record every answer that changed since the last save; False (and nothing kept) if one
    made no sense."""
    latest = latest_answers(attempt)
    try:
        for question in quiz.questions:
            response = given.get(question.id)
            if response is not None and (question.id not in latest or latest[question.id].response != response):
                record_answer(attempt, question, response)
    except InvalidResponse:
        write.rollback()
        return False
    return True


def _unreadable(step_url: str, quiz: Quiz) -> Response:
    flash(_("One answer could not be read; please check it and save again."), "error")
    return redirect(f"{step_url}#{quiz.id}")


@bp.get("/courses/<course_id>/<block_id>/<step_id>/quiz/<quiz_id>/attempts/<int:number>")
@allow("guest")
def result(course_id: str, block_id: str, step_id: str, quiz_id: str, number: int) -> str:
    """A submitted attempt: score, and for each question the feedback and explanation."""
    course, block = course_and_block(course_id, block_id)
    quiz = _quiz(block, step_id, quiz_id)
    user_id = learner_id()
    attempt = db.session().scalars(select(Attempt).filter_by(
        user_id=user_id, course_id=course.id, block_id=block.id, quiz_id=quiz.id, number=number,
    )).first() if user_id else None
    if attempt is None or attempt.submitted_at is None:
        abort(404)
    status = block_status(db.session(), user_id, course.id, block).quizzes[quiz.id]
    return render_template(
        "result.html", course=course, block=block, step_id=step_id, quiz=quiz, attempt=attempt,
        answers=latest_answers(attempt), status=status,
    )
