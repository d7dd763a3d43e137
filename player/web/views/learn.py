"""Taking a block: its start page, one step per section, the closing evaluation, and media."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, send_from_directory, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from blocks.model import Block, Course, Quiz, QuizKind
from player.domain.progress import (
    QuizStatus, attempt_seed, claim, course_states, mark_viewed, open_answers, quiz_statuses, record_survey,
    surveys_done, waiting_for,
)
from player.web import db
from player.web.access import allow
from player.web.auth import ensure_learner
from player.web.forms import response_from_form
from player.web.templating import Frame, answer_fields, form_ids, kept
from player.web.views.common import (
    EVALUATION_STEP, client_id, course_and_block, learner_id, neighbours, new_client_id, open_block, section_or_404,
    steps,
)

bp = Blueprint("learn", __name__)


@bp.get("/courses/<course_id>/<block_id>/")
@allow("guest")
def block_start(course_id: str, block_id: str) -> str:
    """Content note, outcomes and the way in (start or resume)."""
    course, block = course_and_block(course_id, block_id)
    statuses = course_states(db.reader(), learner_id(), course)
    return render_template(
        "block_start.html", course=course, block=block, status=statuses[block.id],
        waiting=waiting_for(course, statuses, block),
    )


@bp.get("/courses/<course_id>/<block_id>/<step_id>")
@allow("guest")
def step(course_id: str, block_id: str, step_id: str) -> str:
    """One step: a section's content, prompts, quiz and surveys, never facilitator notes."""
    course, block = open_block(course_id, block_id)
    if step_id != EVALUATION_STEP:
        section_or_404(block, step_id)
    frame = step_frame(course, block, step_id)
    # each step reads only the progress its quizzes and surveys show; a step of text reads none
    user_id, holes = learner_id(), frame.names
    quizzes = quiz_statuses(db.reader(), user_id, course.id, block, frame.args("quiz")) if "quiz" in holes else []
    statuses = {status.quiz.id: status for status in quizzes}
    saved, hint = _saved(user_id, course.id, quizzes), request.args.get("hint", "")
    client = new_client_id() if holes & {"quiz", "survey"} else ""
    done = surveys_done(db.reader(), user_id, course.id, block) if "survey" in holes else frozenset()

    def quiz(node: Quiz) -> str:
        status = statuses[node.id]
        return quiz_view(course, block, step_id, status, _seed(user_id, status), saved[node.id], hint).html(client)

    def survey(survey_id: str) -> str:
        found = block.evaluation if survey_id == block.evaluation.id else next(s for s in block.surveys if s.id == survey_id)
        return render_template("_survey.html", course=course, block=block, step_id=step_id, survey=found,
                               client_id=client, surveys_done=done)

    return frame.fill({"quiz": quiz, "survey": survey})


def step_frame(course: Course, block: Block, step_id: str) -> Frame:
    """A step's page with holes for the learner's own parts, rendered once per content version
    and language: everything else (header, text, activities, buttons) is the same for everyone."""
    def render() -> Frame:
        ids = steps(block)
        previous, following = neighbours(block, step_id)
        return Frame.render("step.html", course=course, block=block, section=block.section(step_id),
                            position=ids.index(step_id) + 1, total=len(ids), previous=previous, following=following)

    return kept(("step", course.id, block.id, step_id), block, render)


@dataclass(frozen=True)
class QuizView:
    """A quiz on a step as one learner sees it: its head (title, intro, their attempts, and the
    opening of the form when they may answer), then the form's answer fields and buttons."""

    head: Markup
    form: bool
    fields: Markup
    buttons: Markup

    def html(self, client_id: str) -> str:
        if not self.form:
            return self.head
        return "".join((self.head, form_ids(client_id), self.fields, self.buttons))


def quiz_view(course: Course, block: Block, step_id: str, status: QuizStatus, seed: int, saved: dict[str, dict],
              hint: str) -> QuizView:
    """A quiz's pieces for this learner. The head depends only on the quiz and the learner's
    attempts (most learners share "not tried yet"), so recent heads are kept; the buttons are
    the same for everyone in a language."""
    quiz = status.quiz
    form = not (status.passed and quiz.kind != QuizKind.CHECK) and status.attempts_left != 0

    def render(piece: str) -> Markup:
        return Markup(render_template("_quiz.html", piece=piece, course=course, block=block, step_id=step_id,
                                      section=block.section(step_id), node=quiz, qs=status, form=form))

    attempts = tuple((a.number, a.percent) for a in status.submitted)
    head = kept(("quiz-head", course.id, block.id, step_id, quiz.id, status.attempts_left, status.passed, attempts), block,
                lambda: render("head"), "coursepack_quiz_heads")
    if not form:
        return QuizView(head, False, Markup(), Markup())
    buttons = kept(("quiz-buttons", course.id, block.id, quiz.id), block, lambda: render("buttons"))
    return QuizView(head, True, answer_fields(block, quiz, seed, saved, hint), buttons)


def _saved(user_id: int | None, course_id: str, quizzes: list[QuizStatus]) -> dict[str, dict[str, dict]]:
    """The answers of each quiz's open attempt, to fill the form again (mid-quiz resume)."""
    open_ids = {q.quiz.id: q.open_attempt.id for q in quizzes if q.open_attempt}
    answers = open_answers(db.reader(), user_id, course_id) if open_ids else {}
    return {q.quiz.id: {qid: a.response for qid, a in answers.get(open_ids.get(q.quiz.id, -1), {}).items()} for q in quizzes}


def _seed(user_id: int | None, status: QuizStatus) -> int:
    number = status.open_attempt.number if status.open_attempt else len(status.submitted) + 1
    return attempt_seed(user_id, status.quiz.id, number)


@bp.post("/courses/<course_id>/<block_id>/<step_id>")
@allow("guest")
def leave_step(course_id: str, block_id: str, step_id: str) -> Response:
    """Previous or next: the step counts as viewed, and the learner's place is remembered."""
    course, block = open_block(course_id, block_id)
    if step_id not in steps(block):
        abort(404)
    previous, following = neighbours(block, step_id)
    going_back = request.form.get("go") == "previous"
    target = previous if going_back else following
    user = ensure_learner()
    with db.writing() as write:
        section = step_id if step_id != EVALUATION_STEP else ""
        mark_viewed(write, user.id, course.id, block, section, target or step_id)
    if target is None:
        return redirect(url_for("learn.block_start", course_id=course.id, block_id=block.id, done=1))
    return redirect(url_for("learn.step", course_id=course.id, block_id=block.id, step_id=target))


@bp.post("/courses/<course_id>/<block_id>/<step_id>/survey/<survey_id>")
@allow("guest")
def survey(course_id: str, block_id: str, step_id: str, survey_id: str) -> Response:
    """Survey and reflection answers; the standard evaluation included."""
    course, block = open_block(course_id, block_id)
    found = block.evaluation if survey_id == block.evaluation.id else next((s for s in block.surveys if s.id == survey_id), None)
    if found is None:
        abort(404)
    responses = {q.id: r for q in found.questions if (r := response_from_form(q, request.form)) is not None}
    submission = client_id()
    user = ensure_learner()
    with db.writing() as write:
        if claim(write, user.id, submission) and responses:
            record_survey(write, user.id, course.id, block, found, responses)
    target = url_for("learn.step", course_id=course.id, block_id=block.id, step_id=step_id, saved=survey_id)
    return redirect(f"{target}#{survey_id}")


@bp.get("/courses/<course_id>/<block_id>/media/<path:filename>")
@allow("guest")
def media(course_id: str, block_id: str, filename: str) -> Response:
    """Files from the block's own media folder, and nothing outside it."""
    _course, block = course_and_block(course_id, block_id)
    return send_from_directory(block.folder / "media", filename, max_age=3600)


@bp.get("/courses/<course_id>/<block_id>/handouts/<handout_id>")
@allow("guest")
def handout(course_id: str, block_id: str, handout_id: str) -> str:
    """A handout on its own page, ready to print or save."""
    course, block = course_and_block(course_id, block_id)
    found = next((h for h in block.handouts if h.id == handout_id), None)
    if found is None:
        abort(404)
    return render_template("handout.html", course=course, block=block, handout=found)
