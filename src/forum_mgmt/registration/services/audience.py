"""Each session's expected audience against its room: who booked it, who starred it, and
an estimate for sessions open to everyone.

- **Booked**: confirmed registrations with a seat in the session (workshops).
- **Starred**: confirmed registrations that starred it on their ticket and did not book it:
  one per person however often they click.
- **On devices**: stars kept only in a browser (no ticket on that device), reported once per
  device (a hash of the browser's random id): reloading or clicking again counts nothing.
- **Estimate**, for a session open to everyone (not a workshop, not a break): the forum's
  `audience_share` percent of the confirmed attendees who did not star it.

Expected = booked + starred + on devices + estimate, against the session's own capacity or
its room's seats. All of a forum's figures are one query, whatever the agenda's size.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from forum_mgmt.agenda.services import Agenda, SessionView
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionKind
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.services.register import is_unique_violation
from forum_mgmt.registration.services.stars import _session_or_404
from forum_mgmt.registration.tables import DeviceStar, Registration, Status

DEVICE_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")


@dataclass(frozen=True)
class Audience:
    booked: int
    starred: int
    devices: int
    estimate: int
    seats: int  # the session's own capacity, else its room's; 0: not known

    @property
    def expected(self) -> int:
        return self.booked + self.starred + self.devices + self.estimate

    @property
    def crowded(self) -> bool:
        return bool(self.seats) and self.expected > self.seats

    @property
    def pressure(self) -> float:
        """Expected per seat (0 when the seats are not known), for sorting."""
        return self.expected / self.seats if self.seats else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.pressure)


def is_open(kind: str) -> bool:
    """A session anyone may walk into: neither booked (a workshop) nor a break."""
    return kind not in (SessionKind.WORKSHOP, SessionKind.BREAK)


def estimate(share: int, confirmed: int, starred: int) -> int:
    return round(share * max(0, confirmed - starred) / 100)


_FIGURES = """
SELECT s.id AS id, s.kind AS kind, COALESCE(s.capacity, r.capacity, 0) AS seats,
  (SELECT COUNT(*) FROM booking b JOIN registration g ON g.id = b.registration
    WHERE b.session = s.id AND g.status = {}) AS booked,
  (SELECT COUNT(*) FROM star t JOIN registration g ON g.id = t.registration
    WHERE t.session = s.id AND g.status = {}
      AND NOT EXISTS (SELECT 1 FROM booking k
                      WHERE k.session = s.id AND k.registration = t.registration)) AS starred,
  (SELECT COUNT(*) FROM device_star d WHERE d.session = s.id) AS devices,
  c.confirmed AS confirmed
FROM agenda_session s
LEFT JOIN room r ON r.id = s.room
CROSS JOIN (SELECT COUNT(*) AS confirmed FROM registration
            WHERE forum = {} AND status = {}) c
WHERE s.forum = {} AND s.cancelled_at IS NULL
"""


async def _figures(forum: Forum, session_id: int | None = None) -> list[dict]:
    confirmed = str(Status.CONFIRMED)
    sql, args = _FIGURES, [confirmed, confirmed, forum.id, confirmed, forum.id]
    if session_id is not None:
        sql, args = sql + " AND s.id = {}", [*args, session_id]
    return await AgendaSession.raw(sql, *args)


def _audience(forum: Forum, row: dict, kind: str) -> Audience:
    guess = estimate(forum.audience_share, row["confirmed"], row["starred"]) if is_open(kind) else 0
    return Audience(row["booked"], row["starred"], row["devices"], guess, row["seats"] or 0)


async def expected_audience(forum: Forum) -> dict[int, Audience]:
    """Every live session's audience but the breaks', by session id, in one query."""
    return {
        row["id"]: _audience(forum, row, row["kind"])
        for row in await _figures(forum)
        if row["kind"] != SessionKind.BREAK
    }


async def expected_of(forum: Forum, session_id: int | None, kind: str) -> int:
    """The audience a session of `kind` would have (a saved one's stars and bookings count;
    a new one has the estimate alone): clashes.register_audience installs it at start-up."""
    if kind == SessionKind.BREAK:
        return 0
    rows = await _figures(forum, session_id) if session_id is not None else []
    if rows:
        return _audience(forum, rows[0], kind).expected
    if not is_open(kind):
        return 0
    confirmed = await Registration.count().where(
        (Registration.forum == forum.id) & (Registration.status == Status.CONFIRMED)
    )
    return estimate(forum.audience_share, confirmed, 0)


def room_swaps(agenda: Agenda, figures: dict[int, Audience]) -> dict[int, Room]:
    """For each crowded session, the smallest room that holds its expected audience and is
    free for the whole session (computed from the loaded agenda: no query)."""
    swaps: dict[int, Room] = {}
    for view in agenda.sessions:
        found = figures.get(view.id)
        if found is None or not found.crowded or view.session.capacity is not None:
            continue
        room = free_room(agenda.rooms, _others(agenda.sessions, view), found.expected)
        if room is not None:
            swaps[view.id] = room
    return swaps


def free_room(rooms: Iterable[Room], busy: Iterable[SessionView], wanted: int) -> Room | None:
    taken = {v.session.room for v in busy}
    fitting = [r for r in rooms if r.capacity >= wanted and r.id not in taken]
    return min(fitting, key=lambda r: (r.capacity, r.position, r.id), default=None)


def _others(sessions: list[SessionView], view: SessionView) -> list[SessionView]:
    s = view.session
    return [
        v for v in sessions if v.session.starts_at < s.ends_at and v.session.ends_at > s.starts_at
    ]


async def star_on_device(forum: Forum, session_id: int, device: str, *, starred: bool) -> None:
    """Count (or stop counting) a browser-only star of a session, once per device."""
    if not DEVICE_ID.match(device or ""):
        raise DomainError(
            _("This browser's id is not valid."),
            fields={"device": _("16 to 64 letters, digits or dashes.")},
        )
    await _session_or_404(forum, session_id, live=starred)
    digest = hashlib.sha256(device.encode()).hexdigest()
    if not starred:
        await DeviceStar.delete().where(
            (DeviceStar.session == session_id) & (DeviceStar.device == digest)
        )
        return
    try:
        await DeviceStar.insert(
            DeviceStar(session=session_id, device=digest, created_at=time.now())
        )
    except Exception as err:  # the unique index: this device counted already
        if not is_unique_violation(err):
            raise
