"""Agenda and programme arithmetic: totals equal durations, breaks fall between blocks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from blocks.load import Loader
from blocks.model import Block
from exporter.agenda import BREAK_MINUTES, block_agenda, clock, duration_text, programmes, time_of_day
from tests.exporter.helpers import ENGLISH, REPO, write_course


@pytest.fixture(scope="module")
def core() -> list[Block]:
    course = Loader().course(REPO / "courses" / "core-blocks")
    assert course is not None
    return list(course.blocks)


@pytest.fixture
def tiny(tmp_path: Path) -> Block:
    block = Loader().block(write_course(tmp_path, [ENGLISH]) / ENGLISH["id"])
    assert block is not None
    return block


def test_agenda_runs_a_clock_and_totals_the_duration(core: list[Block]) -> None:
    for block in core:
        agenda = block_agenda(block)
        assert agenda.total == block.duration == 90
        assert agenda.rows[0].start == 0
        for before, after in zip(agenda.rows, agenda.rows[1:]):
            assert after.start == before.start + before.minutes
        assert sum(row.minutes for row in agenda.rows) == 90


def test_unplanned_minutes_become_a_flexible_row(tiny: Block) -> None:
    agenda = block_agenda(tiny)
    assert [row.minutes for row in agenda.rows] == [20, 25]
    assert agenda.rows[-1].activity is None and agenda.rows[-1].title.startswith("Flexible time")
    assert agenda.total == tiny.duration == 45


def test_activity_rows_carry_title_section_mode_and_materials(tiny: Block) -> None:
    row = block_agenda(tiny).rows[0]
    assert (row.title, row.section, row.mode, row.materials) == ("Names and journeys", "Meeting a family", "pairs", "name cards")


def test_four_core_blocks_make_two_half_days_or_one_full_day(core: list[Block]) -> None:
    half, full = programmes(core)
    assert [len(day.slots) for day in half.days] == [3, 3]
    assert [slot.kind for slot in half.days[0].slots] == ["block", "break", "block"]
    assert half.days[0].slots[1].minutes == BREAK_MINUTES
    (day,) = full.days
    assert [slot.kind for slot in day.slots] == ["block", "break", "block", "lunch", "block", "break", "block"]
    assert (time_of_day(day.slots[0].start), time_of_day(day.slots[-1].end)) == ("09:00", "16:30")
    assert day.teaching_minutes == 360


def test_one_short_block_needs_no_full_day(tiny: Block) -> None:
    (half,) = programmes([tiny])
    assert [(slot.start, slot.end) for slot in half.days[0].slots] == [(540, 585)]


def test_a_block_longer_than_half_a_day_gets_a_session_of_its_own(tiny: Block) -> None:
    long = replace(tiny, duration=300)
    half, _ = programmes([tiny, long, tiny])
    assert [[slot.block.duration for slot in day.slots if slot.block] for day in half.days] == [[45], [300], [45]]


def test_clock_and_duration_texts() -> None:
    assert [clock(m) for m in (0, 5, 90, 125)] == ["0:00", "0:05", "1:30", "2:05"]
    assert [duration_text(m) for m in (45, 60, 90)] == ["45 min", "1 h", "1 h 30 min"]
