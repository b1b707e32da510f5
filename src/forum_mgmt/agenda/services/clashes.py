"""Clashes an organizer must see before a change is saved.

A room holding two sessions at once, a speaker in two places at once, a session outside
the forum's days, and a session expecting more people than its room holds (its own
capacity, or the bookings it already has). Bookings belong to the registration domain, to
the right of this one: it registers how to count them as a process starts
(`register_bookings_count`), and the capacity check asks, so that no caller can forget
them. Each check is one query at most, whatever the size of the agenda.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker
from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


@dataclass(frozen=True)
class Clash:
    kind: str  # room | speaker | outside_forum | capacity; invalid (only in a preview)
    message: str
    session_id: int | None  # the other session, when there is one


class AgendaClash(Conflict):
    code = "agenda_clash"

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__(
            _("This change clashes with the agenda. Allow it explicitly to save it anyway.")
        )
        self.clashes = clashes
        self.extra = {"conflicts": [asdict(c) for c in clashes]}


# How many seats are booked in a session of a forum: installed at start-up (app.py).
BookingsCount = Callable[[Forum, int], Awaitable[int]]
_bookings_count: BookingsCount | None = None


def register_bookings_count(count: BookingsCount) -> None:
    """From now on, a saved session's capacity clash counts its bookings with
    `await count(forum, session_id)`; every process that edits sessions calls this first."""
    global _bookings_count
    _bookings_count = count


async def bookings_of(forum: Forum, session_id: int) -> int:
    """The seats already booked in a session, from the registered count; without one the
    edit is refused loudly rather than checked against no bookings."""
    if _bookings_count is None:
        raise RuntimeError("no bookings count registered: call register_bookings_count first")
    return await _bookings_count(forum, session_id)


async def find_clashes(
    forum: Forum,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room_id: int | None,
    speaker_ids: list[int],
    capacity: int | None,
    session_id: int | None = None,
    booked: int | None = None,
) -> list[Clash]:
    """Every clash the planned session would cause; an empty list when it fits.

    `session_id` is the saved session being changed (not a clash with itself); its bookings
    count against the room unless `booked` gives another figure (a new session has none)."""
    clashes: list[Clash] = []
    first, _end = time.day_bounds(forum.starts_on, forum.timezone)
    _start, last = time.day_bounds(forum.ends_on, forum.timezone)
    if starts_at < first or ends_at > last:
        clashes.append(Clash("outside_forum", _("The session is outside the forum's days."), None))
    overlapping = (
        (AgendaSession.forum == forum.id)
        & AgendaSession.cancelled_at.is_null()
        & (AgendaSession.starts_at < ends_at)
        & (AgendaSession.ends_at > starts_at)
    )
    if session_id is not None:
        overlapping &= AgendaSession.id != session_id
    if room_id is not None:
        for other in await AgendaSession.select(AgendaSession.id, AgendaSession.title).where(
            overlapping & (AgendaSession.room == room_id)
        ):
            clashes.append(
                Clash(
                    "room",
                    _("The room is already used by “%(title)s” at that time.")
                    % {"title": other["title"]},
                    other["id"],
                )
            )
    if speaker_ids:
        rows = await SessionSpeaker.select(
            SessionSpeaker.session.id,
            SessionSpeaker.session.title,
            SessionSpeaker.speaker.name,
        ).where(
            SessionSpeaker.speaker.is_in(speaker_ids)
            & SessionSpeaker.session.id.is_in(
                AgendaSession.select(AgendaSession.id).where(overlapping)
            )
        )
        for row in rows:
            clashes.append(
                Clash(
                    "speaker",
                    _("%(name)s is also in “%(title)s” at that time.")
                    % {"name": row["speaker.name"], "title": row["session.title"]},
                    row["session.id"],
                )
            )
    if booked is None:
        booked = 0
        if session_id is not None and room_id is not None:  # a saved session's seats count
            booked = await bookings_of(forum, session_id)
    wanted = max(capacity or 0, booked)
    if room_id is not None and wanted:
        room = (
            await Room.select(Room.capacity, Room.name)
            .where((Room.id == room_id) & (Room.forum == forum.id))
            .first()
        )
        if room and room["capacity"] and wanted > room["capacity"]:
            text = (
                _("%(wanted)d people have booked, but %(room)s holds %(seats)d.")
                if booked > (capacity or 0)
                else _("%(wanted)d places are planned, but %(room)s holds %(seats)d.")
            )
            clashes.append(
                Clash(
                    "capacity",
                    text % {"wanted": wanted, "room": room["name"], "seats": room["capacity"]},
                    None,
                )
            )
    return clashes
