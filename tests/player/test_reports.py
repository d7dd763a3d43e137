"""The cohort reports and the coordinator overview on seeded data (tests/player/cohort_data.py),
against figures worked out by hand in the comments; then each CSV file against its page."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from player.domain import reports
from player.store.models import Cohort
from player.web import db
from player.web.content import store
from player.web.views import report_tables as tables
from tests.player.cohort_data import Seeded, seed
from tests.player.trainer_helpers import assert_csv_matches_screen, csv_rows, page_tables, sign_in_as

NS, IP, C, P = "Not started", "In progress", "Completed", "Passed"
R1_TITLE = "Becoming resilient to stress and trauma"


@pytest.fixture
def seeded(app: Flask) -> Seeded:
    return seed(app)


def _cells(table) -> list[tuple]:  # noqa: ANN001
    return [row.cells for row in table.all_rows()]


def _cohort_table(app: Flask, seeded: Seeded, name: str):  # noqa: ANN202
    with app.test_request_context():
        cohort = db.session().get(Cohort, seeded.cohort_id)
        return tables.cohort_table(name, db.session(), cohort, store().course("resilience"))


def test_grid(app: Flask, seeded: Seeded) -> None:
    table = _cohort_table(app, seeded, "grid")
    assert table.columns[3] == R1_TITLE and table.columns[-2:] == ("Blocks completed", "Sessions attended")
    # One column per module, r1..r6. Ana passed r1, completed r2 (not passed), started r3; Boris
    # completed r1; Cvetan only opened r1 (he attended it face to face); "=SUM(1+1)" did nothing.
    # Sorted by name.
    assert _cells(table) == [
        ("=SUM(1+1)", "formula@example.org", "", NS, NS, NS, NS, NS, NS, 0, 0),
        ("Ana", "ana@example.org", "Red Cross", P, C, IP, NS, NS, NS, 2, 2),
        ("Boris", "boris@example.org", "Red Cross", C, NS, NS, NS, NS, NS, 1, 1),
        ("Cvetan", "cvetan@example.org", "", IP, NS, NS, NS, NS, NS, 0, 1),
        ("Completed or passed", "", "", 2, 1, 0, 0, 0, 0, 3, 4),
    ]


def test_item_analysis(app: Flask, seeded: Seeded) -> None:
    table = _cohort_table(app, seeded, "questions")

    def question(stem: str) -> tuple:
        return next(r.cells for r in table.rows if r.cells[:2] == (R1_TITLE, "check") and r.cells[2].startswith(stem))

    # q-resilience: counted answers Ana A (try 1), Ana B (try 2), Boris B (his first pick C was
    # replaced before he submitted), Cvetan A; Cvetan's open attempt and Olga (no member) left out.
    # 3 learners, 4 answers, 2 right = 50 %, wrong option A chosen twice, 4 / 3 = 1.3 attempts.
    assert question("After a child on her caseload was hurt")[3:] == (
        "single", 3, 4, 50.0, "A. That it is low: resilient workers do not feel sad after hard cases.", 2, 1.3)
    # q-reactions (A and B right, partial): Ana A+C (0), Ana A+B (right), Boris A+B+D (half), Cvetan C.
    # 1 right of 4 = 25 %; wrong picks C twice, D once.
    reactions = question("Which statements about reactions")
    assert reactions[3:7] == ("multiple", 3, 4, 25.0) and reactions[7].startswith("C. Strong reactions") and reactions[8:] == (2, 1.3)
    assert question("Match each description with its zone")[3:] == ("match", 0, 0, None, None, None, None)
    assert len(table.rows) == sum(len(q.questions) for b in store_course(app).blocks for q in b.quizzes)


def store_course(app: Flask):  # noqa: ANN201
    with app.app_context():
        return store().course("resilience")


def test_evaluation_summary(app: Flask, seeded: Seeded) -> None:
    table = _cohort_table(app, seeded, "evaluation")
    rows = _cells(table)
    # r1: Ana 5/4/yes/2->4, Boris (his later form) 4/4/no/3->4, Cvetan 3/-/yes.
    # relevance 12/3 = 4.0, usefulness 8/2 = 4.0, yes 2 of 3 = 66.7 %, before 5/2 = 2.5, after 4.0
    assert rows[0] == (R1_TITLE, 3, 4.0, 4.0, 66.7, 2.5, 4.0, 1.5)
    # r2: Ana alone, 2 / yes / 1->2
    assert rows[1] == ("The impact of stress on frontline workers", 1, 2.0, None, 100.0, 1.0, 2.0, 1.0)
    assert rows[2][1:] == (0, None, None, None, None, None, None)
    # every block together: relevance 14/4 = 3.5, usefulness 4.0, yes 3 of 4 = 75 %,
    # before 6/3 = 2.0, after 10/3 = 3.3, change 3.3 - 2.0 = 1.3 (Olga and the guest not counted)
    assert rows[-1] == ("All blocks", 3, 3.5, 4.0, 75.0, 2.0, 3.3, 1.3)


def test_knowledge_gain(app: Flask, seeded: Seeded) -> None:
    # pre-test: the first attempt; post-test: the best one. Ana 40 (not her 60) -> 90; Boris
    # 50 -> 75; Cvetan 30 and no post-test. Averages over the two with both: 45, 82.5, 37.5.
    assert _cells(_cohort_table(app, seeded, "gain")) == [
        ("Ana", "ana@example.org", 40.0, 90.0, 50.0),
        ("Boris", "boris@example.org", 50.0, 75.0, 25.0),
        ("Cvetan", "cvetan@example.org", 30.0, None, None),
        ("Cohort average (2 learners with both tests)", "", 45.0, 82.5, 37.5),
    ]


def test_no_gain_table_without_tests(app: Flask, seeded: Seeded) -> None:
    with app.test_request_context():
        cohort = db.session().get(Cohort, seeded.cohort_id)
        # The sample course has check quizzes only: no pre-test, no post-test, so no gain to show.
        course = store().course("sample")
        assert {q.kind.value for b in course.blocks for q in b.quizzes} == {"check"}
        assert tables.cohort_table("gain", db.session(), cohort, course) is None


def test_attendance(app: Flask, seeded: Seeded) -> None:
    assert _cells(_cohort_table(app, seeded, "attendance")) == [
        ("=SUM(1+1)", "formula@example.org", "", "", "", "", "", "", 0),
        ("Ana", "ana@example.org", "2026-03-02", "2026-03-09", "", "", "", "", 2),
        ("Boris", "boris@example.org", "2026-03-02", "", "", "", "", "", 1),
        ("Cvetan", "cvetan@example.org", "2026-03-02", "", "", "", "", "", 1),
        ("Learners present", "", 3, 1, 0, 0, 0, 0, 4),
    ]


# -- the coordinator overview ---------------------------------------------------------------
# People trained, dated by the first of online completion and attendance: Ana r1 (Jan 15, also
# attended), Ana r2 (Feb 10, also attended), Boris r1 (Feb 20, also attended), Cvetan r1
# (Mar 2, attended only), Olga core A (Apr 1, online). The guest never counts.
# "Apply directly" (latest answer per person and block, dated by the answer): Ana r1 yes (Jan
# 15), Ana r2 yes (Feb 10), Boris r1 no (Feb 20), Cvetan r1 yes (Feb 25), Olga A yes (Apr 1).
CORE, RES = "Working with refugee and migrant children and families", "Resilience and wellness for frontline workers"


def _overview(app: Flask, **chosen: object) -> dict[str, list[tuple]]:
    with app.test_request_context():
        result = reports.overview(db.session(), reports.OverviewFilter(**chosen))
        return {b: _cells(tables.overview_table(result, b)) for b in reports.BREAKDOWNS}


def test_overview_by_course_block_organisation_country_month(app: Flask, seeded: Seeded) -> None:
    shown = _overview(app)
    total = (4, 5, 4, 80.0, 5)
    assert shown["courses"] == [(CORE, 1, 1, 0, 100.0, 1), (RES, 3, 4, 4, 75.0, 4), ("All", *total)]
    assert shown["blocks"] == [
        (CORE, "Cultural sensitivity", 1, 1, 0, 100.0, 1),
        (RES, R1_TITLE, 3, 3, 3, 66.7, 3),
        (RES, "The impact of stress on frontline workers", 1, 1, 1, 100.0, 1),
        ("All", "", *total),
    ]
    assert shown["organisations"] == [
        ("(not given)", 1, 1, 1, 100.0, 1), ("City Hall", 1, 1, 0, 100.0, 1), ("Red Cross", 2, 3, 3, 66.7, 3), ("All", *total),
    ]
    assert shown["countries"] == [
        ("(not given)", 1, 1, 1, 100.0, 1), ("MK", 2, 3, 2, 100.0, 3), ("UA", 1, 1, 1, 0.0, 1), ("All", *total),
    ]
    assert shown["periods"] == [
        ("2026-01", 1, 1, 1, 100.0, 1), ("2026-02", 2, 2, 2, 66.7, 3), ("2026-03", 1, 1, 1, None, 0),
        ("2026-04", 1, 1, 0, 100.0, 1), ("All", *total),
    ]


def test_overview_by_quarter_and_filtered(app: Flask, seeded: Seeded) -> None:
    assert _overview(app, period="quarter")["periods"] == [
        ("2026 Q1", 3, 4, 4, 75.0, 4), ("2026 Q2", 1, 1, 0, 100.0, 1), ("All", 4, 5, 4, 80.0, 5),
    ]
    # resilience from Feb 1: Ana r2, Boris r1, Cvetan r1; answers Boris no, Cvetan yes, Ana r2 yes
    assert _overview(app, course_id="resilience", start=date(2026, 2, 1), period="year")["periods"] == [
        ("2026", 3, 3, 3, 66.7, 3), ("All", 3, 3, 3, 66.7, 3),
    ]
    assert _overview(app, end=date(2026, 1, 31))["courses"] == [(RES, 1, 1, 1, 100.0, 1), ("All", 1, 1, 1, 100.0, 1)]


# -- the CSV file is the page ---------------------------------------------------------------
COHORT_PAGES = {"grid": "", "questions": "questions", "evaluation": "evaluation", "gain": "evaluation", "attendance": "attendance"}


@pytest.mark.parametrize("name", COHORT_PAGES)
def test_cohort_csv_matches_the_page(app: Flask, client: FlaskClient, seeded: Seeded, name: str) -> None:
    sign_in_as(app, client, seeded.trainer_id)
    base = f"/trainer/cohorts/{seeded.cohort_id}/"
    screen = page_tables(client.get(base + COHORT_PAGES[name]).get_data(as_text=True))[name]
    response = client.get(f"{base}{name}.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response.get_data(as_text=True))
    assert_csv_matches_screen(screen, rows)
    assert page_tables(client.get(f"{base}report").get_data(as_text=True))[name] == screen  # the printable page too


def test_csv_neutralises_a_formula_name_and_keeps_numbers(app: Flask, client: FlaskClient, seeded: Seeded) -> None:
    sign_in_as(app, client, seeded.trainer_id)
    rows = csv_rows(client.get(f"/trainer/cohorts/{seeded.cohort_id}/grid.csv").get_data(as_text=True))
    assert rows[1][0] == "'=SUM(1+1)"
    assert rows[2][-2:] == [2.0, 2.0] and rows[-1][3] == 2.0


@pytest.mark.parametrize("breakdown", reports.BREAKDOWNS)
def test_overview_csv_matches_the_page(app: Flask, client: FlaskClient, seeded: Seeded, breakdown: str) -> None:
    sign_in_as(app, client, seeded.trainer_id, role="admin")
    query = "?course=resilience&from=2026-01-01&to=2026-12-31&period=quarter"
    screen = page_tables(client.get(f"/trainer/overview{query}").get_data(as_text=True))[breakdown]
    rows = csv_rows(client.get(f"/trainer/overview/{breakdown}.csv{query}").get_data(as_text=True))
    assert_csv_matches_screen(screen, rows)
    assert len(rows) >= 2
