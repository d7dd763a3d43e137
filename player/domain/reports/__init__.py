"""The reports: what trainers and coordinators read about a cohort or a programme, from SQL aggregates.

No request objects in here: every function takes a database session, the content and plain
values, so the pages, the CSV files, the bench and the tests share one set of figures. Each
report runs a fixed handful of queries whatever the number of learners (no query per learner),
and the rows it reads grow with learners times blocks, so the cost grows linearly.

Figures are rounded here, to one decimal, once: the page and the CSV print them as they are.
"""

from __future__ import annotations

from player.domain.reports.attendance import AttendanceSheet, attendance
from player.domain.reports.common import YES, Learner, mean, members, share
from player.domain.reports.evaluation import EVALUATION_ITEMS, EvaluationRow, evaluation_summary
from player.domain.reports.gain import Gain, GainSummary, knowledge_gain
from player.domain.reports.grid import Grid, GridRow, cohort_grid, learner_states, state_of
from player.domain.reports.items import ItemStats, item_analysis
from player.domain.reports.overview import BREAKDOWNS, PERIODS, Overview, OverviewFilter, OverviewRow, overview

__all__ = [
    "AttendanceSheet",
    "BREAKDOWNS",
    "EVALUATION_ITEMS",
    "EvaluationRow",
    "Gain",
    "GainSummary",
    "Grid",
    "GridRow",
    "ItemStats",
    "Learner",
    "Overview",
    "OverviewFilter",
    "OverviewRow",
    "PERIODS",
    "YES",
    "attendance",
    "cohort_grid",
    "evaluation_summary",
    "item_analysis",
    "knowledge_gain",
    "learner_states",
    "mean",
    "members",
    "overview",
    "share",
    "state_of",
]
