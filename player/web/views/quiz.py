"""Quizzes: answers saved as they are given, scored on the server, results with feedback."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from blocks.model import Block, Quiz, QuizKind
from blocks.scoring import InvalidResponse
from player.domain.progress import (
    block_status, final_test_taken, latest_answers, open_answers, quiz_statuses, unanswered_numbers,
)
from player.domain.recording import Outcome, QuizAnswers, Where, record_quiz
from player.store.models import Attempt
from player.web import db
from player.web.access import allow
from player.web.auth import ensure_learner
from player.web.forms import field_names, responses, submitted_seed
from player.web.step_page import new_client_id
from player.web.templating import QUIZ_PLACE
from player.web.views.common import client_id, course_and_block, learner_id, open_block, quiz_or_404

bp = Blueprint("quiz", __name__)


@bp.post("/courses/<course_id>/<block_id>/<step_id>/quiz/<quiz_id>")
@allow("guest")
def answer(course_id: str, block_id: str, step_id: str, quiz_id: str) -> Response:
    """Save the answers given (action=save) and, on action=submit, score the attempt: the form is
    read and scored first, then written in one short transaction."""
    course, block = open_block(course_id, block_id)
    quiz = quiz_or_404(block, step_id, quiz_id)
    submission = client_id()
    step_url = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id)
    try:
        seed = submitted_seed()
        given = QuizAnswers.read(quiz, responses(quiz.questions, field_names(seed)), submit=request.form.get("action") == "submit",
                                 anyway=request.form.get("anyway") == "1", seed=seed)
    except InvalidResponse:
        return _unreadable(step_url, quiz)
    user = ensure_learner()
    with db.writing() as write:
        recorded = record_quiz(write, Where(user.id, course.id, block), given, submission)
    if recorded.outcome == Outcome.NO_ATTEMPTS:
        flash(_("You have used all attempts at this quiz."), f"info{QUIZ_PLACE}{quiz.id}")
    elif recorded.outcome == Outcome.SAVED:
        flash(_("Your answers are saved."), f"success{QUIZ_PLACE}{quiz.id}")
    elif recorded.outcome == Outcome.UNANSWERED:
        return redirect(url_for("quiz.confirm", course_id=course.id, block_id=block.id, step_id=step_id, quiz_id=quiz.id))
    elif recorded.outcome == Outcome.SUBMITTED:
        return redirect(url_for("quiz.result", course_id=course.id, block_id=block.id, step_id=step_id, quiz_id=quiz.id,
                                number=recorded.number))
    return redirect(f"{step_url}#{quiz.id}")  # saved, no attempts left, or a double submit: the first one counted


def _unreadable(step_url: str, quiz: Quiz) -> Response:
    flash(_("One answer could not be read; please check it and save again."), f"error{QUIZ_PLACE}{quiz.id}")
    return redirect(f"{step_url}#{quiz.id}")


@bp.get("/courses/<course_id>/<block_id>/<step_id>/quiz/<quiz_id>/confirm")
@allow("guest")
def confirm(course_id: str, block_id: str, step_id: str, quiz_id: str) -> str | Response:
    """Asked once before an attempt is spent with questions unanswered: the answers given are
    saved in the open attempt, so "submit anyway" posts no answers, only the decision."""
    course, block = open_block(course_id, block_id)
    quiz = quiz_or_404(block, step_id, quiz_id)
    user_id = learner_id()
    status = quiz_statuses(db.reader(), user_id, course.id, block, [quiz])[0]
    attempt = status.open_attempt
    saved = open_answers(db.reader(), user_id, course.id).get(attempt.id, {}) if attempt else {}
    numbers = unanswered_numbers(quiz, saved)
    step_url = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id)
    if attempt is None or not numbers:
        return redirect(f"{step_url}#{quiz.id}")
    return render_template("confirm.html", course=course, block=block, quiz=quiz, missing=len(numbers), numbers=numbers,
                           step_url=step_url, client_id=new_client_id(), seed=attempt.seed)


@bp.get("/courses/<course_id>/<block_id>/<step_id>/quiz/<quiz_id>/attempts/<int:number>")
@allow("guest")
def result(course_id: str, block_id: str, step_id: str, quiz_id: str, number: int) -> str:
    """A submitted attempt: score, and for each question the feedback and explanation."""
    course, block = course_and_block(course_id, block_id)
    quiz = quiz_or_404(block, step_id, quiz_id)
    user_id = learner_id()
    attempt = db.session().scalars(select(Attempt).filter_by(
        user_id=user_id, course_id=course.id, block_id=block.id, quiz_id=quiz.id, number=number,
    )).first() if user_id else None
    if attempt is None or attempt.submitted_at is None:
        abort(404)
    status = block_status(db.session(), user_id, course.id, block).quizzes[quiz.id]
    held_back = quiz.kind == QuizKind.PRETEST and not final_test_taken(db.session(), user_id, course)
    return render_template(
        "result.html", course=course, block=block, step_id=step_id, quiz=quiz, attempt=attempt,
        answers=latest_answers(attempt), status=status, held_back=held_back,
    )
