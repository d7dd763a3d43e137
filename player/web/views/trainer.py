"""The trainer's side: cohorts, their reports and CSV files, attendance, the coordinator
overview (for admins), and the join link learners follow.

Every cohort page goes through `_cohort`, which answers 404 for a cohort the trainer does not
lead (admins see all), so nobody learns that someone else's cohort exists.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from blocks.model import Course
from player.domain import reports
from player.domain.accounts import Visitor
from player.domain.cohorts import (
    CohortDetails, cohort_for, create_cohort, find_by_code, is_member, join as join_cohort, record_attendance,
    visible_cohorts,
)
from player.domain.progress import answers_by_attempt, course_states
from player.store.models import COHORT_MODES, Attendance, Cohort, SurveyAnswer, User
from player.web import db
from player.web.access import allow
from player.web.auth import current_user
from player.web.content import store
from player.web.i18n import LANGUAGES, current_lang, language_name, local_date
from player.web.tables import Table, cell_text, to_csv
from player.web.views import report_tables as tables
from player.web.views.common import listed_courses, localised_course

bp = Blueprint("trainer", __name__)
bp.add_app_template_filter(cell_text, "cell")


def _user() -> Visitor:
    user = current_user()
    assert user is not None  # the access policy let only signed-in trainers and admins in
    return user


def _cohort(cohort_id: int) -> tuple[Cohort, Course]:
    """The cohort and its course, or 404 for a cohort this user does not lead."""
    cohort = cohort_for(db.session(), cohort_id, _user())
    course = store().course(cohort.course_id) if cohort else None
    if cohort is None or course is None:
        abort(404)
    return cohort, localised_course(course)


def _csv(table: Table, stem: str) -> Response:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "report"
    return Response(to_csv(table), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-{table.name}.csv"',
        "Cache-Control": "no-store",  # names and results of learners
    })


# -- cohorts --------------------------------------------------------------------------------
@bp.get("/trainer/")
@allow("trainer")
def cohorts() -> str:
    """The trainer's cohorts; an admin sees everyone's."""
    user = _user()
    rows = visible_cohorts(db.session(), user)
    trainer_ids = {c.trainer_id for c, _n in rows if c.trainer_id}
    trainers = {u.id: u.name or u.email for u in db.session().scalars(select(User).where(User.id.in_(trainer_ids)))}
    return render_template("trainer/cohorts.html", rows=rows, trainers=trainers, courses=store().courses)


def _languages() -> dict[str, str]:
    """The languages the courses a trainer may choose are offered in, each named in itself."""
    return {code: language_name(code) for code in sorted({lang for course in listed_courses() for lang in course.languages})}


YEARS = range(2000, 2101)  # a cohort's and a session's dates: year 0206 or 9999 is a slip of the keyboard


def _date(value: str | None) -> date | None:
    try:
        found = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return found if found is None or found.year in YEARS else None


def _details(form: MultiDict[str, str]) -> tuple[CohortDetails | None, list[str]]:
    """The new cohort's details from the form, or what is wrong with them."""
    problems = []
    name = form.get("name", "").strip()[:200]
    if not name:
        problems.append(_("Give the cohort a name."))
    course_id = form.get("course_id", "")
    if course_id not in {course.id for course in listed_courses()}:
        problems.append(_("Choose a course."))
    lang = form.get("lang", "")
    course = store().course(course_id)
    if lang not in _languages():
        problems.append(_("Choose a language."))
    elif course is not None and lang not in course.languages:
        problems.append(_("%(course)s is offered in %(languages)s: choose one of those.", course=course.title_in(current_lang()),
                          languages=", ".join(language_name(code) for code in course.languages)))
    mode = form.get("mode", "")
    if mode not in COHORT_MODES:
        problems.append(_("Choose face to face or self-paced."))
    starts_on, ends_on = _date(form.get("starts_on")), _date(form.get("ends_on"))
    if (form.get("starts_on") and starts_on is None) or (form.get("ends_on") and ends_on is None):
        problems.append(_("Give dates as year-month-day between 2000 and 2100, e.g. 2026-03-31."))
    elif starts_on and ends_on and ends_on < starts_on:
        problems.append(_("The end date is before the start date."))
    if problems:
        return None, problems
    return CohortDetails(name, course_id, lang, mode, starts_on, ends_on), []


@bp.route("/trainer/cohorts/new", methods=["GET", "POST"])
@allow("trainer")
def new_cohort() -> str | Response:
    """Create a cohort: it gets a join code and a link to hand to learners."""
    if request.method == "POST":
        details, problems = _details(request.form)
        if details is not None:
            with db.writing() as write:
                cohort_id = create_cohort(write, _user().id, details).id
            flash(_("The cohort is ready. Give your learners its join code or link."), "success")
            return redirect(url_for("trainer.cohort", cohort_id=cohort_id))
        for problem in problems:
            flash(problem, "error")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "trainer/new.html", courses=listed_courses(), languages=_languages(), modes=COHORT_MODES, form=request.form,
    ), status  # type: ignore[return-value]


@bp.get("/trainer/cohorts/<int:cohort_id>/")
@allow("trainer")
def cohort(cohort_id: int) -> str:
    """The cohort grid: learners by blocks, each cell the block's state."""
    cohort_, course = _cohort(cohort_id)
    grid = tables.grid_table(reports.cohort_grid(db.session(), cohort_, course))
    links = {row.key: url_for("trainer.learner", cohort_id=cohort_id, user_id=row.key) for row in grid.rows}
    join_url = url_for("trainer.join_page", code=cohort_.join_code, _external=True)
    return render_template("trainer/grid.html", cohort=cohort_, course=course, table=grid, links=links, join_url=join_url)


@bp.get("/trainer/cohorts/<int:cohort_id>/learners/<int:user_id>")
@allow("trainer")
def learner(cohort_id: int, user_id: int) -> str:
    """One learner: state per block, every submitted attempt with its answers, and the
    reflections they chose to share (never the private ones, never their evaluation)."""
    cohort_, course = _cohort(cohort_id)
    session = db.session()
    if not is_member(session, cohort_id, user_id):
        abort(404)
    person = session.get(User, user_id)
    shared = session.scalars(
        select(SurveyAnswer).filter_by(user_id=user_id, course_id=course.id, shared=True).order_by(SurveyAnswer.created_at)
    ).all()
    statuses = course_states(session, user_id, course)
    submitted = [a.id for status in statuses.values() for q in status.quizzes.values() for a in q.submitted]
    return render_template(
        "trainer/learner.html", cohort=cohort_, course=course, person=person,
        states=reports.learner_states(session, user_id, course), statuses=statuses,
        answers=answers_by_attempt(session, submitted),
        reflections=[(r, _survey_question(course, r)) for r in shared if "text" in r.response],
        describe=tables.describe_response, state_label=tables.state_label,
    )


def _survey_question(course: Course, answer: SurveyAnswer):  # noqa: ANN202 - Question | None
    block = course.block(answer.block_id)
    if block is None:
        return None
    surveys = [block.evaluation, *block.surveys]
    survey = next((s for s in surveys if s.id == answer.survey_id), None)
    return next((q for q in survey.questions if q.id == answer.question_id), None) if survey else None


@bp.get("/trainer/cohorts/<int:cohort_id>/questions")
@allow("trainer")
def questions(cohort_id: int) -> str:
    """Item analysis: how each question went."""
    cohort_, course = _cohort(cohort_id)
    shown = _tables(("questions",), cohort_, course)
    return render_template("trainer/report.html", cohort=cohort_, course=course, tables=shown, current="questions")


@bp.get("/trainer/cohorts/<int:cohort_id>/evaluation")
@allow("trainer")
def evaluation(cohort_id: int) -> str:
    """The end-of-block evaluation per block and for the cohort, and the knowledge gain."""
    cohort_, course = _cohort(cohort_id)
    shown = _tables(("evaluation", "gain"), cohort_, course)
    has_tests = any(t.name == "gain" for t in shown)
    return render_template("trainer/report.html", cohort=cohort_, course=course, tables=shown, current="evaluation", has_tests=has_tests)


def _tables(names: tuple[str, ...], cohort_: Cohort, course: Course) -> list[Table]:
    return [t for name in names if (t := tables.cohort_table(name, db.session(), cohort_, course)) is not None]


@bp.get("/trainer/cohorts/<int:cohort_id>/attendance")
@allow("trainer")
def attendance(cohort_id: int) -> str:
    """The attendance sheet of one block and day, and who attended what so far."""
    cohort_, course = _cohort(cohort_id)
    session = db.session()
    block_id = request.args.get("block", course.blocks[0].id)
    day = _date(request.args.get("day")) or date.today()
    present = set(session.scalars(select(Attendance.user_id).filter_by(cohort_id=cohort_id, block_id=block_id, session_date=day)))
    return render_template(
        "trainer/attendance.html", cohort=cohort_, course=course, block_id=block_id, day=day, present=present,
        learners=reports.members(session, cohort_id), table=tables.attendance_table(reports.attendance(session, cohort_, course)),
    )


@bp.post("/trainer/cohorts/<int:cohort_id>/attendance")
@allow("trainer")
def save_attendance(cohort_id: int) -> Response:
    cohort_, course = _cohort(cohort_id)
    block_id, day = request.form.get("block", ""), _date(request.form.get("day"))
    if course.block(block_id) is None or day is None:
        flash(_("Choose a block and a date."), "error")
        return redirect(url_for("trainer.attendance", cohort_id=cohort_id))
    if (cohort_.starts_on and day < cohort_.starts_on) or (cohort_.ends_on and day > cohort_.ends_on):
        flash(_("The cohort runs from %(starts)s to %(ends)s: choose a date in between.",
                starts=local_date(cohort_.starts_on) if cohort_.starts_on else "…",
                ends=local_date(cohort_.ends_on) if cohort_.ends_on else "…"), "error")
        return redirect(url_for("trainer.attendance", cohort_id=cohort_id, block=block_id))
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
    with db.writing() as write:
        record_attendance(write, write.get(Cohort, cohort_.id), block_id, day, present)  # type: ignore[arg-type]
    flash(_("Attendance is saved."), "success")
    return redirect(url_for("trainer.attendance", cohort_id=cohort_id, block=block_id, day=day.isoformat()))


@bp.get("/trainer/cohorts/<int:cohort_id>/report")
@allow("trainer")
def printable(cohort_id: int) -> str:
    """Every report of the cohort on one page, laid out for paper."""
    cohort_, course = _cohort(cohort_id)
    shown = _tables(("grid", "evaluation", "gain", "attendance", "questions"), cohort_, course)
    trainer = db.session().get(User, cohort_.trainer_id) if cohort_.trainer_id else None
    return render_template("trainer/printable.html", cohort=cohort_, course=course, tables=shown, trainer=trainer, today=date.today())


@bp.get("/trainer/cohorts/<int:cohort_id>/<report>.csv")
@allow("trainer")
def report_csv(cohort_id: int, report: str) -> Response:
    """A report as CSV: the same rows and figures as its page."""
    cohort_, course = _cohort(cohort_id)
    table = tables.cohort_table(report, db.session(), cohort_, course)
    if table is None:
        abort(404)
    return _csv(table, cohort_.name)


# -- the coordinator overview ---------------------------------------------------------------
def _overview_filter() -> reports.OverviewFilter:
    args = request.args
    course_id = args.get("course", "")
    period = args.get("period", "month")
    return reports.OverviewFilter(
        course_id=course_id if store().course(course_id) else "",
        start=_date(args.get("from")), end=_date(args.get("to")),
        period=period if period in reports.PERIODS else "month",
    )


@bp.get("/trainer/overview")
@allow("admin")
def overview() -> str:
    """People trained across every cohort and self-paced learner: for coordinators (admins)."""
    chosen = _overview_filter()
    result = reports.overview(db.session(), chosen)
    shown = [tables.overview_table(result, b) for b in reports.BREAKDOWNS]
    return render_template("trainer/overview.html", overview=result, tables=shown, courses=store().all(), periods=reports.PERIODS)


@bp.get("/trainer/overview/<breakdown>.csv")
@allow("admin")
def overview_csv(breakdown: str) -> Response:
    if breakdown not in reports.BREAKDOWNS:
        abort(404)
    result = reports.overview(db.session(), _overview_filter())
    return _csv(tables.overview_table(result, breakdown), "people-trained")


# -- joining a cohort -----------------------------------------------------------------------
@bp.get("/join/<code>")
@allow("public")
def join_page(code: str) -> str:
    """Where a join link leads: sign up or sign in, then join with one button."""
    cohort_ = find_by_code(db.session(), code)
    course = store().course(cohort_.course_id) if cohort_ else None
    if cohort_ is None or course is None:
        abort(404)
    user = current_user()
    signed_in = user is not None and not user.is_guest
    member = signed_in and is_member(db.session(), cohort_.id, user.id)  # type: ignore[union-attr]
    return render_template(
        "trainer/join.html", cohort=cohort_, course=course, signed_in=signed_in, member=member,
        course_url=_course_url(cohort_),
    )


def _course_url(cohort_: Cohort) -> str:
    """The cohort's course, in the cohort's language where the interface has it."""
    lang = {"lang": cohort_.lang} if cohort_.lang in LANGUAGES else {}
    return url_for("catalog.course", course_id=cohort_.course_id, **lang)


@bp.post("/join/<code>")
@allow("user")
def join(code: str) -> Response:
    with db.writing() as write:
        cohort_ = find_by_code(write, code)
        if cohort_ is None or store().course(cohort_.course_id) is None:
            abort(404)
        joined = join_cohort(write, cohort_, _user().id)
        name, target = cohort_.name, _course_url(cohort_)
    if joined:
        flash(_("You joined %(name)s.", name=name), "success")
    return redirect(target)
