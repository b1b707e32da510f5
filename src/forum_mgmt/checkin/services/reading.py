"""What scanners cache for offline use, the name search, and the live figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.checkin import queries
from forum_mgmt.checkin.services.scan import public_key, window
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import i18n, time
from forum_mgmt.core.db import is_postgres
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration_services
from forum_mgmt.registration.tables import Booking, Status
from forum_mgmt.tickets.keys import public_key_b64

SEARCH_LIMIT = 20
QUARTER = dt.timedelta(minutes=15)


async def check_list(forum: Forum, session_id: int | None) -> AgendaSession | None:
    """The session whose door is a check-in list (one with its own capacity, or a
    workshop); None for the entrance."""
    if session_id is None:
        return None
    session = (
        await AgendaSession.objects()
        .where((AgendaSession.id == session_id) & (AgendaSession.forum == forum.id))
        .first()
    )
    if session is None or (session.capacity is None and session.kind != "workshop"):
        raise NotFound(_("There is no check-in list for this session."))
    return session


def _list_is(session_id: int | None):
    if session_id is None:
        return Checkin.session.is_null()
    return Checkin.session == session_id


async def used(forum: Forum, session_id: int | None) -> list[int]:
    rows = await Checkin.select(Checkin.registration).where(
        (Checkin.forum == forum.id) & _list_is(session_id) & Checkin.undone_at.is_null()
    )
    return sorted(r["registration"] for r in rows)


async def checkin_data(forum: Forum, session_id: int | None) -> dict:
    """The forum's key, window, current ticket serials, names and refusals: enough to judge
    a code offline the way the server would."""
    await check_list(forum, session_id)
    rows = await queries.people_with_serials(forum.id)
    serials, people, refused = {}, {}, {}
    for r in rows:
        key = str(r["id"])
        if r["status"] == Status.CONFIRMED:
            if r["serial"] is not None:
                serials[key] = r["serial"]
        else:
            refused[key] = "cancelled" if r["status"] == Status.CANCELLED else "not_confirmed"
        people[key] = {k: r[k] for k in ("name", "name_local", "organization", "category")}
        people[key]["category_name"] = r["category_name"]
        people[key]["category_name_local"] = r["category_name_local"]
    booked = None
    if session_id is not None:
        booked_rows = await Booking.select(Booking.registration).where(
            Booking.session == session_id
        )
        booked = sorted(b["registration"] for b in booked_rows)
    opens, closes = window(forum)
    return {
        "forum_id": forum.id,
        "session_id": session_id,
        "public_key": public_key_b64(await public_key(forum)),
        "window": (opens, closes),
        "serials": serials,
        "people": people,
        "refused": refused,
        "used": await used(forum, session_id),
        "booked": booked,
        "generated_at": time.now(),
    }


def _pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


async def search(forum: Forum, q: str) -> list[dict]:
    """Up to 20 people of this forum whose name, local name, a word of the name, or email
    starts with q (case-insensitive), with whether they are in (entrance list)."""
    q = q.strip()
    if not q:
        return []
    like = "ILIKE" if is_postgres() else "LIKE"  # SQLite's LIKE ignores ASCII case
    rows = await queries.search(forum.id, _pattern(q), like=like, limit=SEARCH_LIMIT)
    for r in rows:
        r["checked_in"] = bool(r["checked_in"])
    return rows


@dataclass
class Stats:
    checked_in: int = 0
    confirmed: int = 0
    categories: list[tuple[str, str, int, int]] = field(default_factory=list)
    gates: list[tuple[str, int]] = field(default_factory=list)
    arrivals: list[tuple[dt.datetime, int]] = field(default_factory=list)
    sessions: list[tuple[int, str, int, int]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=time.now)


def _quarter(instant: dt.datetime, tz: str) -> dt.datetime:
    local = time.local(instant, tz)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


async def stats(forum: Forum) -> Stats:
    """People in at the entrance (each once, whatever the gate) against confirmed, by
    category, gate and quarter hour (forum zone), and each workshop door's count."""
    confirmed = await queries.confirmed_per_category(forum.id)
    entries = await queries.entrance(forum.id)
    per_category = Counter(e["code"] for e in entries)
    gates = Counter(e["gate"] for e in entries)
    quarters = Counter(_quarter(e["scanned_at"], forum.timezone) for e in entries)
    arrivals = []
    if quarters:
        slot, last = min(quarters), max(quarters)
        while slot <= last:  # empty quarters too, so that the chart shows the lulls
            arrivals.append((slot, quarters.get(slot, 0)))
            slot = time.local(slot + QUARTER, forum.timezone)
    sessions = await queries.lists(forum.id)
    return Stats(
        checked_in=len({e["registration"] for e in entries}),
        confirmed=sum(c["n"] for c in confirmed),
        categories=[
            (c["code"], i18n.localized(c), per_category[c["code"]], c["n"]) for c in confirmed
        ],
        gates=sorted(gates.items()),
        arrivals=arrivals,
        sessions=[
            (s["id"], i18n.localized(s, "title"), s["checked_in"], s["booked"]) for s in sessions
        ],
    )


async def audience_today(forum: Forum) -> list[dict]:
    """While the forum runs: today's sessions (forum zone) with their expected audience
    against their seats, for the live dashboard. Two queries; none on other days."""
    today = time.local(time.now(), forum.timezone).date()
    if not forum.starts_on <= today <= forum.ends_on:
        return []
    first, last = time.day_bounds(today, forum.timezone)
    sessions = await (
        AgendaSession.select(
            AgendaSession.id,
            AgendaSession.title,
            AgendaSession.title_local,
            AgendaSession.starts_at,
        )
        .where(
            (AgendaSession.forum == forum.id)
            & AgendaSession.cancelled_at.is_null()
            & (AgendaSession.starts_at >= first)
            & (AgendaSession.starts_at < last)
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    figures = await registration_services.expected_audience(forum)
    return [{**s, "audience": figures[s["id"]]} for s in sessions if s["id"] in figures]
