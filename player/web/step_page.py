"""A step of a block as one learner sees it: the one owner of the step page.

What a step page reads, renders and keeps (the regions are declared in player.store.keeping):

1. The page: header, text, activities, buttons, with holes for the learner's own parts. The same
   for everyone, so it is rendered once per content version and language (STEP_PAGES), with a
   quiz step's Previous and Next for each quiz form they may belong to.
2. A quiz hole: the learner's attempts at the step's quizzes (one query), the answers of an open
   attempt (one more query, only when one is open); the quiz's title, intro, attempts and buttons
   for that state of attempts (QUIZZES, shared by every learner in the same state), with holes
   for the form's hidden fields and its answer fields; and the answer fields themselves for the
   attempt's order, tokens and saved answers (ANSWER_FIELDS).
3. A survey hole: which surveys the learner has answered (one query) and the survey's fields.

A step of text reads nothing about the learner. Every piece of HTML is balanced: a kept piece
with holes is a Frame, filled per request.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from flask import current_app, g, render_template, url_for
from markupsafe import Markup

from blocks.model import Block, Course, Quiz, QuizKind, Survey
from blocks.qtypes import display_order
from player.domain.progress import QuizStatus, open_answers, quiz_statuses, surveys_done
from player.domain.recording import attempt_seed
from player.store.keeping import ANSWER_FIELDS, QUIZZES, STEP_PAGES
from player.web import db
from player.web.forms import SURVEY_SEED, field_names
from player.web.pages import kept
from player.web.templating import Frame, flashes_for, form_ids

EVALUATION_STEP = "evaluation"  # the last step of every block: the standard evaluation survey


def steps(block: Block) -> list[str]:
    """The step ids of a block in order: its sections, then the standard evaluation."""
    return [s.id for s in block.sections] + [EVALUATION_STEP]


def neighbours(block: Block, step_id: str) -> tuple[str | None, str | None]:
    ids = steps(block)
    index = ids.index(step_id)
    return (ids[index - 1] if index > 0 else None, ids[index + 1] if index + 1 < len(ids) else None)


def new_client_id() -> str:
    """The id a form carries to make a retry harmless (see player.domain.recording.claim)."""
    return secrets.token_hex(16)


def render_step(course: Course, block: Block, step_id: str, learner: int | None) -> str:
    """The step page of `learner` (None: a visitor not yet known), whole."""
    page = _page(course, block, step_id)
    parts = LearnerParts.read(course, block, step_id, learner, page.frame)
    g.quizzes_on_page = frozenset(parts.statuses)  # their messages show at them, not at the top
    return page.frame.fill({"quiz": parts.quiz, "survey": parts.survey, "nav": lambda *_: page.navs[parts.nav_owner()].fill({})})


@dataclass(frozen=True)
class StepPage:
    """A step's page with holes, and on a quiz step its Previous and Next for each quiz form
    they may belong to ("": none, when no quiz takes answers any more)."""

    frame: Frame
    navs: dict[str, Frame]


def _page(course: Course, block: Block, step_id: str) -> StepPage:
    def render() -> StepPage:
        ids = steps(block)
        previous, following = neighbours(block, step_id)
        section = block.section(step_id)
        quizzes = [q.id for q in section.nodes(Quiz)] if section else []
        frame = Frame.render("step.html", course=course, block=block, section=section, position=ids.index(step_id) + 1,
                             total=len(ids), previous=previous, following=following, quizzes=bool(quizzes))
        action = url_for("learn.leave_step", course_id=course.id, block_id=block.id, step_id=step_id) if quizzes else ""
        navs = {owner: Frame.render("_step_nav.html", previous=previous, following=following,
                                    owner=f"answers-{owner}" if owner else "", action=action)
                for owner in ([*quizzes, ""] if quizzes else [])}
        return StepPage(frame, navs)

    return kept(STEP_PAGES, block, render, course=course.id, block=block.id, step=step_id)


@dataclass(frozen=True)
class LearnerParts:
    """What one learner sees in a step's holes, read once for the whole page."""

    course: Course
    block: Block
    step_id: str
    learner: int | None
    statuses: dict[str, QuizStatus]
    saved: dict[str, dict[str, dict]]
    done: frozenset[str]
    client_id: str

    @classmethod
    def read(cls, course: Course, block: Block, step_id: str, learner: int | None, page: Frame) -> LearnerParts:
        """Only what the page's holes show: a step of text reads nothing."""
        quizzes = quiz_statuses(db.reader(), learner, course.id, block, page.args("quiz")) if "quiz" in page.names else []
        done = surveys_done(db.reader(), learner, course.id, block) if "survey" in page.names else frozenset()
        client_id = new_client_id() if page.names & {"quiz", "survey"} else ""
        return cls(course, block, step_id, learner, {s.quiz.id: s for s in quizzes}, _saved(learner, course.id, quizzes),
                   done, client_id)

    def quiz(self, quiz: Quiz) -> str:
        status = self.statuses[quiz.id]
        frame = _quiz_frame(self.course, self.block, self.step_id, status)
        if "form_ids" not in frame.names:
            return frame.fill({"messages": lambda: flashes_for(quiz.id)})
        opened = status.open_attempt
        seed = opened.seed if opened else attempt_seed(self.learner, quiz.id, len(status.submitted) + 1)
        return frame.fill({
            "messages": lambda: flashes_for(quiz.id),
            "form_ids": lambda: form_ids(self.client_id, seed),
            "fields": lambda: answer_fields(self.block, quiz, seed, self.saved[quiz.id]),
        })

    def nav_owner(self) -> str:
        """The quiz whose form Previous and Next belong to: the first one the learner may still
        answer, so moving on keeps what they ticked or typed there as a draft (learn.leave_step)."""
        return next((s.quiz.id for s in self.statuses.values() if answerable(s)), "")

    def survey(self, survey_id: str) -> str:
        block = self.block
        found = block.evaluation if survey_id == block.evaluation.id else next(s for s in block.surveys if s.id == survey_id)
        return render_template("_survey.html", course=self.course, block=block, step_id=self.step_id, survey=found,
                               client_id=self.client_id, surveys_done=self.done,
                               fields=answer_fields(block, found, SURVEY_SEED))


def answerable(status: QuizStatus) -> bool:
    """Whether the learner may still answer a quiz: attempts left, and a test not yet passed."""
    return not (status.passed and status.quiz.kind != QuizKind.CHECK) and status.attempts_left != 0


def _quiz_frame(course: Course, block: Block, step_id: str, status: QuizStatus) -> Frame:
    """A quiz for one state of attempts; while the learner may answer, its form has holes for
    the hidden fields and the answer fields."""
    quiz = status.quiz
    form = answerable(status)

    def render() -> Frame:
        return Frame.render("_quiz.html", course=course, block=block, step_id=step_id, section=block.section(step_id),
                            node=quiz, qs=status, form=form)

    attempts = tuple((a.number, a.percent) for a in status.submitted)
    return kept(QUIZZES, block, render, course=course.id, block=block.id, step=step_id, quiz=quiz.id,
                attempts_left=status.attempts_left, passed=status.passed, attempts=attempts)


def answer_fields(block: Block, owner: Quiz | Survey, seed: int, saved: dict[str, dict] | None = None) -> Markup:
    """The answer fields of a quiz's or survey's questions as one learner sees them now: in the
    attempt's order with its tokens (`seed`) and `saved` answers filled in. The same state gives
    the same HTML, so recent ones are kept."""
    questions = owner.questions
    shuffle = isinstance(owner, Quiz) and owner.shuffle

    def render() -> Markup:
        macro = current_app.jinja_env.get_template("_questions.html").module.question_fields  # type: ignore[attr-defined]
        names = field_names(seed)
        return Markup("\n").join(
            macro(q, names, display_order(q, seed, shuffle), (saved or {}).get(q.id)) for q in questions)

    return kept(ANSWER_FIELDS, block, render, block=block.id, owner=owner.id, seed=seed,
                saved=json.dumps(saved, sort_keys=True) if saved else "")


def _saved(learner: int | None, course_id: str, quizzes: list[QuizStatus]) -> dict[str, dict[str, dict]]:
    """The answers of each quiz's open attempt, to fill the form again (mid-quiz resume)."""
    open_ids = {q.quiz.id: q.open_attempt.id for q in quizzes if q.open_attempt}
    answers = open_answers(db.reader(), learner, course_id) if open_ids else {}
    return {q.quiz.id: {qid: a.response for qid, a in answers.get(open_ids.get(q.quiz.id, -1), {}).items()} for q in quizzes}
