"""The agenda builder's grid: rooms by time for one day, as table rows of 5 minutes.

A table with row spans needs neither inline styles nor JavaScript, reads well to a screen
reader, and prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forum_mgmt.agenda.services import Agenda, SessionView
from forum_mgmt.agenda.tables import Room
from forum_mgmt.core import time

SLOT = dt.timedelta(minutes=5)


@dataclass
class Cell:
    room: Room | None
    view: SessionView | None = None
    span: int = 1


@dataclass
class Row:
    start: dt.datetime  # UTC
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    day: dt.date
    rooms: list[Room | None]
    rows: list[Row]
    unplaced: list[SessionView]  # without a room, or overlapping another in its room


def forum_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def chosen_day(days: list[dt.date], day: str | None) -> dt.date:
    """The day `day` names (YYYY-MM-DD) if it is one of `days`, else the first of them."""
    try:
        chosen = dt.date.fromisoformat(day or "")
    except ValueError:
        return days[0]
    return chosen if chosen in days else days[0]


def build(agenda: Agenda, day: dt.date, tz: str) -> Grid:
    """Place the day's sessions on a grid of rooms by 5 minutes (08:00-18:00 at least)."""
    start_of_day, end_of_day = time.day_bounds(day, tz)
    views = [v for v in agenda.sessions if start_of_day <= v.session.starts_at < end_of_day]
    first = min([time.at(day, dt.time(8), tz), *(v.session.starts_at for v in views)])
    last = max([time.at(day, dt.time(18), tz), *(v.session.ends_at for v in views)])
    first = _floor(first, tz)
    rooms: list[Room | None] = list(agenda.rooms)
    slots = []
    t = first
    while t < last:
        slots.append(t)
        t += SLOT
    rows = [Row(start) for start in slots]
    taken: set[tuple[int, int]] = set()  # (row index, column index) covered by a span
    placed: dict[tuple[int, int], Cell] = {}
    unplaced = []
    for view in views:
        col = next((i for i, r in enumerate(rooms) if r and r.id == view.session.room), None)
        top = _index(slots, view.session.starts_at)
        span = max(1, -(-(view.session.ends_at - slots[top]) // SLOT))
        cover = {(top + k, col) for k in range(span)} if col is not None else set()
        if col is None or cover & taken:
            unplaced.append(view)
            continue
        taken |= cover
        placed[(top, col)] = Cell(rooms[col], view, span)
    for i, row in enumerate(rows):
        for col, room in enumerate(rooms):
            if (i, col) in placed:
                row.cells.append(placed[(i, col)])
            elif (i, col) not in taken:
                row.cells.append(Cell(room))
    return Grid(day, rooms, rows, unplaced)


def _floor(instant: dt.datetime, tz: str) -> dt.datetime:
    local = time.local(instant, tz)
    minute = local.minute - local.minute % 15  # rows start on a quarter hour
    return local.replace(minute=minute, second=0, microsecond=0).astimezone(time.UTC)


def _index(slots: list[dt.datetime], instant: dt.datetime) -> int:
    for i, start in enumerate(slots):
        if start <= instant < start + SLOT:
            return i
    return len(slots) - 1
