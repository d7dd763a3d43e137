"""Timings for print: a block's agenda with a running clock, and the pack's programme options.

Pure arithmetic over the model, kept apart from the templates so the numbers can be tested on
their own: the agenda total always equals the block's duration, and the programme options are
built from the blocks' durations with breaks. The few words they carry (break, lunch, the
flexible row, durations) come in the pack's language from the `texts` each function is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from gettext import NullTranslations

from blocks.model import Activity, Block
from exporter.i18n import ENGLISH

BREAK_MINUTES = 15  # a coffee break between two blocks of the same half day
LUNCH_MINUTES = 60
HALF_DAY_MINUTES = 240  # the longest half-day session, its breaks included
DAY_START = 9 * 60  # 09:00, in minutes after midnight


@dataclass(frozen=True)
class AgendaRow:
    """One line of a block's agenda; `activity` is None for the unplanned remainder."""

    start: int
    minutes: int
    title: str
    section: str
    mode: str
    materials: str
    activity: Activity | None


@dataclass(frozen=True)
class Agenda:
    rows: tuple[AgendaRow, ...]
    total: int


@dataclass(frozen=True)
class Slot:
    """One line of a programme: a block, a break or lunch, at a time of day."""

    start: int
    minutes: int
    title: str
    kind: str
    block: Block | None = None

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Day:
    number: int
    slots: tuple[Slot, ...]

    @property
    def teaching_minutes(self) -> int:
        return sum(slot.minutes for slot in self.slots if slot.kind == "block")


@dataclass(frozen=True)
class Programme:
    name: str
    unit: str
    days: tuple[Day, ...]


def block_agenda(block: Block, texts: NullTranslations = ENGLISH) -> Agenda:
    """The activities in order with a running clock; spare minutes end it, so the total is the duration."""
    _ = texts.gettext
    rows: list[AgendaRow] = []
    clock = 0
    for section in block.sections:
        for activity in section.nodes(Activity):
            title = activity.title or section.title
            rows.append(AgendaRow(clock, activity.minutes, title, section.title, activity.mode.value, activity.materials, activity))
            clock += activity.minutes
    if clock < block.duration:
        rows.append(AgendaRow(clock, block.duration - clock, _("Flexible time: questions, breaks, running over"), "", "", "", None))
    return Agenda(tuple(rows), max(clock, block.duration))


def half_day_sessions(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks in pack order, grouped greedily into sessions that fit half a day with breaks."""
    sessions: list[list[Block]] = []
    length = 0
    for block in blocks:
        if sessions and length + BREAK_MINUTES + block.duration <= HALF_DAY_MINUTES:
            sessions[-1].append(block)
            length += BREAK_MINUTES + block.duration
        else:
            sessions.append([block])
            length = block.duration
    return sessions


def _session_slots(blocks: Sequence[Block], start: int, texts: NullTranslations) -> list[Slot]:
    slots: list[Slot] = []
    for position, block in enumerate(blocks):
        if position:
            slots.append(Slot(slots[-1].end, BREAK_MINUTES, texts.gettext("Break"), "break"))
        slots.append(Slot(slots[-1].end if slots else start, block.duration, block.title, "block", block))
    return slots


def programmes(blocks: Sequence[Block], texts: NullTranslations = ENGLISH) -> list[Programme]:
    """The half-day and the full-day option; a pack that fits one half day has only the first."""
    _ = texts.gettext
    sessions = half_day_sessions(blocks)
    half = Programme(_("Half days"), "session", tuple(Day(n, tuple(_session_slots(s, DAY_START, texts))) for n, s in enumerate(sessions, 1)))
    if len(sessions) == 1:
        return [half]
    days = []
    for number, first in enumerate(range(0, len(sessions), 2), 1):
        morning = _session_slots(sessions[first], DAY_START, texts)
        if first + 1 < len(sessions):
            lunch = Slot(morning[-1].end, LUNCH_MINUTES, _("Lunch"), "lunch")
            morning += [lunch, *_session_slots(sessions[first + 1], lunch.end, texts)]
        days.append(Day(number, tuple(morning)))
    return [half, Programme(_("Full days"), "day", tuple(days))]


def clock(minutes: int) -> str:
    """Elapsed time as H:MM, the running clock of an agenda."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def time_of_day(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def duration_text(minutes: int, texts: NullTranslations = ENGLISH) -> str:
    """90 -> '1 h 30 min', for programme summaries."""
    _ = texts.gettext
    hours, rest = divmod(minutes, 60)
    if not hours:
        # Translators: a length of time, abbreviated: "45 min".
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        # Translators: a length of time, abbreviated: "2 h".
        return _("%(hours)d h") % {"hours": hours}
    # Translators: a length of time, abbreviated: "1 h 30 min".
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}
