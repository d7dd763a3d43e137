"""The reports as tables: labels in the trainer's language, figures as player.domain.reports computed
them. The page and the CSV file of a report are both made from the table built here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _, ngettext
from sqlalchemy.orm import Session

from blocks.html import plain_text
from blocks.model import Course, Question
from blocks.qtypes import kind
from blocks.qtypes.base import letter
from player.domain import reports
from player.domain.progress import State
from player.store.models import Cohort
from player.web.content import store
from player.web.i18n import current_lang
from player.web.tables import Row, Table


def state_labels() -> dict[State, str]:
    """Each state's label in the interface language: looked up once per table, not per cell."""
    return {
        State.PASSED: _("Passed"), State.COMPLETED: _("Completed"),
        State.IN_PROGRESS: _("In progress"), State.NOT_STARTED: _("Not started"),
    }


def state_label(state: State) -> str:
    return state_labels()[state]


def option_label(question: Question, index: int) -> str:
    return f"{letter(index)}. {plain_text(question.options[index].html)}"


def grid_table(grid: reports.Grid) -> Table:
    finished = (State.COMPLETED, State.PASSED)
    label = state_labels()
    rows = tuple(
        Row(
            (r.learner.label, r.learner.email, r.learner.organisation,
             *(label[r.states[b.id]] for b in grid.blocks), r.completed, r.sessions),
            key=r.learner.id,
            classes=("", "", "", *(f"state state-{r.states[b.id]}" for b in grid.blocks), "", ""),
        )
        for r in grid.rows
    )
    footer = Row((
        _("Completed or passed"), "", "", *(grid.count(b.id, *finished) for b in grid.blocks),
        sum(r.completed for r in grid.rows), sum(r.sessions for r in grid.rows),
    ))
    return Table(
        "grid", _("Progress"),
        (_("Learner"), _("Email"), _("Organisation"), *(b.title for b in grid.blocks),
         _("Blocks completed"), _("Sessions attended")),
        rows, (footer,),
    )


def items_table(stats: list[reports.ItemStats]) -> Table:
    rows = tuple(
        Row((
            s.block.title, s.quiz.id, plain_text(s.question.stem_html), s.question.type.value, s.learners, s.answers,
            s.share_correct, option_label(s.question, s.wrong_option) if s.wrong_option is not None else None,
            s.wrong_option_picks if s.wrong_option is not None else None, s.average_attempts,
        ))
        for s in stats
    )
    return Table(
        "questions", _("Questions"),
        (_("Block"), _("Quiz"), _("Question"), _("Type"), _("Learners"), _("Answers"), _("Correct (%)"),
         _("Most chosen wrong option"), _("Times chosen"), _("Attempts per learner")),
        rows,
    )


def evaluation_table(rows: list[reports.EvaluationRow]) -> Table:
    def cells(row: reports.EvaluationRow) -> tuple[Any, ...]:
        return (
            row.block.title if row.block else _("All blocks"), row.respondents, row.relevance, row.usefulness,
            row.apply_share, row.confidence_before, row.confidence_after, row.confidence_change,
        )

    return Table(
        "evaluation", _("Evaluation"),
        (_("Block"), _("Respondents"), _("Relevant (1–5)"), _("Useful (1–5)"), _("Can apply it directly (%)"),
         _("Confidence before (1–5)"), _("Confidence after (1–5)"), _("Change in confidence")),
        tuple(Row(cells(r)) for r in rows if r.block is not None),
        tuple(Row(cells(r)) for r in rows if r.block is None),
    )


def gain_table(summary: reports.GainSummary) -> Table:
    rows = tuple(Row((g.learner.label, g.learner.email, g.pre, g.post, g.gain), key=g.learner.id) for g in summary.rows)
    average = Row((
        ngettext("Cohort average (%(num)d learner with both tests)", "Cohort average (%(num)d learners with both tests)",
                 len(summary.paired)), "",
        summary.average("pre"), summary.average("post"), summary.average("gain"),
    ))
    return Table(
        "gain", _("Knowledge gain"),
        (_("Learner"), _("Email"), _("Pre-test (%)"), _("Post-test (%)"), _("Gain (points)")),
        rows, (average,),
    )


def attendance_table(sheet: reports.AttendanceSheet) -> Table:
    rows = tuple(
        Row((learner.label, learner.email,
             *(", ".join(d.isoformat() for d in days.get(b.id, [])) for b in sheet.blocks),
             sum(len(d) for d in days.values())), key=learner.id)
        for learner, days in sheet.rows
    )
    footer = Row((_("Learners present"), "", *(sheet.attendees(b.id) for b in sheet.blocks),
                  sum(sum(len(d) for d in days.values()) for _learner, days in sheet.rows)))
    return Table(
        "attendance", _("Attendance"),
        (_("Learner"), _("Email"), *(b.title for b in sheet.blocks), _("Sessions attended")),
        rows, (footer,),
    )


def cohort_table(name: str, db: Session, cohort: Cohort, course: Course) -> Table | None:
    """One of a cohort's reports by its CSV name; None for an unknown name, and for the
    knowledge gain of a course without pre- and post-tests."""
    build = {
        "grid": lambda: grid_table(reports.cohort_grid(db, cohort, course)),
        "questions": lambda: items_table(reports.item_analysis(db, cohort, course)),
        "evaluation": lambda: evaluation_table(reports.evaluation_summary(db, cohort, course)),
        "gain": lambda: gain_table(gain) if (gain := reports.knowledge_gain(db, cohort, course)).has_tests else None,
        "attendance": lambda: attendance_table(reports.attendance(db, cohort, course)),
    }.get(name)
    return build() if build else None


# -- the coordinator overview ---------------------------------------------------------------
def _group_cells(breakdown: str, group: tuple[Any, ...], period: str) -> tuple[Any, ...]:
    content = store()
    not_given = _("(not given)")
    if breakdown == "courses":
        course = content.course(group[0])
        return (course.title_in(current_lang()) if course else group[0],)
    if breakdown == "blocks":
        found = content.block(group[0], group[1])
        if not found:
            return group
        return (found[0].title_in(current_lang()), content.in_language(found[0], found[1], current_lang()).title)
    if breakdown == "periods":
        return (period_label(group[0], period),)
    return (group[0] or not_given,)


def period_label(key: int | None, period: str) -> str:
    """202603 -> 2026-03, 20261 -> 2026 Q1, 2026 -> 2026."""
    if key is None:
        return ""
    if period == "month":
        return f"{key // 100}-{key % 100:02d}"
    if period == "quarter":
        # Translators: a quarter of a year in the overview's "By period" table, e.g. "2026 Q1".
        return _("%(year)d Q%(quarter)d", year=key // 10, quarter=key % 10)
    return str(key)


def _figures(row: reports.OverviewRow) -> tuple[Any, ...]:
    return (row.people, row.trainings, row.face_to_face, row.apply_share, row.apply_answers)


def overview_table(overview: reports.Overview, breakdown: str) -> Table:
    heads = {
        "courses": (_("Course"),), "blocks": (_("Course"), _("Block")), "organisations": (_("Organisation"),),
        "countries": (_("Country"),), "periods": (_("Period"),),
    }[breakdown]
    titles = {
        "courses": _("By course"), "blocks": _("By block"), "organisations": _("By organisation"),
        "countries": _("By country"), "periods": _("By period"),
    }
    period = overview.filter.period
    rows = tuple(Row((*_group_cells(breakdown, r.group, period), *_figures(r))) for r in overview.breakdowns[breakdown])
    total = Row((_("All"), *[""] * (len(heads) - 1), *_figures(overview.totals)))
    return Table(
        breakdown, titles[breakdown],
        (*heads, _("People trained"), _("Block trainings"), _("Of which face to face"), _("Would apply it directly (%)"),
         _("Evaluation answers")),
        rows, (total,),
    )


def describe_response(question: Question, response: dict[str, Any]) -> str:
    """What a learner answered, in words, for the trainer's drill-down."""
    return kind(question).describe(question, response)
