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

from piccolo.columns.combination import Combinable

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker
from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict
from forum_mgmt.core.i18n import _, localized
from forum_mgmt.forums.tables import Forum


@dataclass(frozen=True)
class Clash:
    kind: str  # room | speaker | outside_forum | capacity | crowding; invalid (a preview's)
    message: str
    session_id: int | None  # the other session, when there is one
    warning: bool = False  # shown, never refused: more people expected than seats


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


# A session's expected audience (registration/services/audience.py), installed at start-up
# like the bookings count: `await count(forum, session_id or None, kind)`.
AudienceCount = Callable[[Forum, int | None, str], Awaitable[int]]
_audience_count: AudienceCount | None = None


def register_audience(count: AudienceCount) -> None:
    """From now on, the clash list warns when a session's expected audience is larger than
    its room; without a count it warns of nothing."""
    global _audience_count
    _audience_count = count


def blocking(clashes: list[Clash]) -> list[Clash]:
    """The clashes that refuse a change unless allowed (warnings never do)."""
    return [c for c in clashes if not c.warning]


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
    kind: str | None = None,
) -> list[Clash]:
    """Every clash the planned session would cause; an empty list when it fits.

    `session_id` is the saved session being changed (not a clash with itself); its bookings
    count against the room unless `booked` gives another figure (a new session has none).
    With its `kind`, a crowding warning too: more people expected than the room holds."""
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
    if room_id is None or not (wanted or kind):
        return clashes
    room = (
        await Room.select(Room.capacity, Room.name, Room.name_local)
        .where((Room.id == room_id) & (Room.forum == forum.id))
        .first()
    )
    if not room or not room["capacity"]:
        return clashes
    name = localized(room)
    if wanted > room["capacity"]:
        text = (
            _("%(wanted)d people have booked, but %(room)s holds %(seats)d.")
            if booked > (capacity or 0)
            else _("%(wanted)d places are planned, but %(room)s holds %(seats)d.")
        )
        clashes.append(
            Clash(
                "capacity",
                text % {"wanted": wanted, "room": name, "seats": room["capacity"]},
                None,
            )
        )
    elif kind and _audience_count is not None and not capacity:
        expected = await _audience_count(forum, session_id, kind)
        if expected > room["capacity"]:
            clashes.append(
                await _crowding(forum, overlapping, room_id, name, room["capacity"], expected)
            )
    return clashes


async def _crowding(
    forum: Forum, overlapping: Combinable, room_id: int, name: str, seats: int, expected: int
) -> Clash:
    """A warning that the room is too small, naming the smallest free room that is not."""
    text = _("About %(expected)d people are expected, but %(room)s holds %(seats)d.") % {
        "expected": expected,
        "room": name,
        "seats": seats,
    }
    busy = AgendaSession.select(AgendaSession.room).where(
        overlapping & AgendaSession.room.is_not_null()
    )
    larger = (
        await Room.select(Room.name, Room.name_local, Room.capacity)
        .where(
            (Room.forum == forum.id)
            & (Room.id != room_id)
            & (Room.capacity >= expected)
            & Room.id.not_in(busy)
        )
        .order_by(Room.capacity)
        .first()
    )
    if larger:
        text += " " + _("%(room)s (%(seats)d seats) is free then: swap rooms?") % {
            "room": localized(larger),
            "seats": larger["capacity"],
        }
    return Clash("crowding", text, None, warning=True)
