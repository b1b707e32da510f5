"""Check-in's raw SQL, each statement with the reason it is not a Piccolo query.

Table names come from the Table classes; every value is a bound parameter (`{}`), and the
only other text spliced in is one of the fixed fragments below.
"""
# ruff: noqa: S608 - names from our Table classes, values bound; see above

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.agenda.tables import AgendaSession, SessionKind
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import db
from forum_mgmt.registration.tables import Booking, Category, Registration, Status
from forum_mgmt.tickets.tables import Ticket

CHECKIN = Checkin._meta.tablename
REGISTRATION = Registration._meta.tablename
CATEGORY = Category._meta.tablename
TICKET = Ticket._meta.tablename
SESSION = AgendaSession._meta.tablename
BOOKING = Booking._meta.tablename
USER = BaseUser._meta.tablename

# A session whose door keeps a check-in list: one with its own capacity, or a workshop.
IS_LIST = f"(s.capacity IS NOT NULL OR s.kind = '{SessionKind.WORKSHOP}')"

PEOPLE = (
    "SELECT r.id, r.name, r.name_local, r.organization, r.status, c.code AS category,"
    " c.name AS category_name, c.name_local AS category_name_local{}"
    f" FROM {REGISTRATION} r JOIN {CATEGORY} c ON c.id = r.category"
)
"""A registration with its category; `{}` takes more columns (constant SQL only)."""

WITH_SERIAL = f" LEFT JOIN {TICKET} t ON t.registration = r.id"

# The scan's hot path reads everything it judges by in one round trip: these subqueries
# join the person's row only when the scan names a session or carries a nonce.
_LIST_AND_BOOKED = (
    f", EXISTS(SELECT 1 FROM {SESSION} s WHERE s.id = {{}} AND s.forum = r.forum"
    f" AND {IS_LIST}) AS is_list"
    f", EXISTS(SELECT 1 FROM {BOOKING} b WHERE b.registration = r.id AND b.session = {{}})"
    " AS booked"
)
_REPEAT = f", (SELECT k.id FROM {CHECKIN} k WHERE k.forum = r.forum AND k.nonce = {{}}) AS repeat"


@dataclass(frozen=True)
class Admission:
    """The check-in row a scan writes if the person it reads may come in (see `person`)."""

    serial: int | None  # the code's ticket serial; None for a manual check-in
    gate: str
    manual: bool
    by: int
    scanned_at: dt.datetime
    created_at: dt.datetime


# On PostgreSQL the scan's read and its insert are one statement: the insert takes the row
# the read found, only when it admits (confirmed, the code's serial is the ticket's, booked
# for a listed session, not a retried nonce; the caller checked the window), and does
# nothing on conflict, like INSERT below. `inserted` is the new check-in's id or NULL.
_INSERT_FROM_P = (
    f'INSERT INTO {CHECKIN} (forum, registration, session, gate, nonce, manual, "by",'
    " scanned_at, created_at) SELECT p.r_forum, p.id, {}::integer, {}::varchar, {}::varchar,"
    " {}::boolean, {}::integer, {}::timestamptz, {}::timestamptz"
    f" FROM p WHERE p.status = '{Status.CONFIRMED}'"
)


def _admitting(read: str, when: str) -> str:
    """`read` (the person's SELECT) and the insert it may lead to, as one statement."""
    return (
        f"WITH p AS ({read}), ins AS ({_INSERT_FROM_P}{when}"
        " ON CONFLICT DO NOTHING RETURNING id)"
        " SELECT p.*, (SELECT id FROM ins) AS inserted FROM p"
    )


async def person(
    forum_id: int,
    registration_id: int,
    *,
    session_id: int | None,
    nonce: str | None,
    admit: Admission | None = None,
) -> dict | None:
    """The registration with its ticket serial and category, whether it is booked for the
    session and whether the session is a check-in list, and a check-in made with this nonce:
    one query. With `admit`, on PostgreSQL, the same statement also checks the person in
    when the row admits (`inserted`: the new check-in's id, or None); elsewhere the row has
    no `inserted` and the caller inserts."""
    args: list = []
    extra = ""
    when = ""
    if session_id is not None:
        extra += _LIST_AND_BOOKED
        args += [session_id, session_id]
        when += " AND p.is_list AND p.booked"
    if nonce is not None:
        extra += _REPEAT
        args.append(nonce)
        when += " AND p.repeat IS NULL"
    # `extra` is one of the fixed subqueries above; every value is a bound parameter.
    sql = (
        PEOPLE.format(", t.serial, r.forum AS r_forum" + extra)
        + WITH_SERIAL
        + " WHERE r.id = {} AND r.forum = {}"
    )
    args += [registration_id, forum_id]
    if admit is not None and Checkin._meta.db.engine_type == "postgres":
        if admit.serial is not None:
            when += " AND p.serial = {}::integer"
        sql = _admitting(sql, when)
        args += [session_id, admit.gate, nonce, admit.manual, admit.by]
        args += [admit.scanned_at, admit.created_at]
        if admit.serial is not None:
            args.append(admit.serial)
    rows = await db.fetch(Checkin, sql, *args)
    return rows[0] if rows else None


# Raw SQL: Piccolo's query building costs more than the insert itself here. Nothing
# happens on conflict with the partial unique index checkin_once: the caller reads the winner.
INSERT = (
    f'INSERT INTO {CHECKIN} (forum, registration, session, gate, nonce, manual, "by",'
    " scanned_at, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"
    " ON CONFLICT DO NOTHING RETURNING id"
)


async def insert(
    forum_id: int,
    registration_id: int,
    *,
    session_id: int | None,
    gate: str,
    nonce: str | None,
    manual: bool,
    by: int,
    scanned_at: dt.datetime,
    created_at: dt.datetime,
) -> int | None:
    """The new check-in's id; None when a check-in in the way kept it out."""
    rows = await db.fetch(
        Checkin,
        INSERT,
        forum_id,
        registration_id,
        session_id,
        gate,
        nonce,
        manual,
        by,
        scanned_at,
        created_at,
    )
    return rows[0]["id"] if rows else None


# What a scan ran into, with the scanner's name: on the scan path beside INSERT, so written
# once like it.
WINNER = (
    f"SELECT k.id, k.nonce, k.gate, k.scanned_at, u.username FROM {CHECKIN} k"
    f' LEFT JOIN {USER} u ON u.id = k."by"'
)


async def in_the_way(
    forum_id: int, registration_id: int, session_id: int | None, nonce: str | None
) -> list[dict]:
    """The check-in with this nonce and the person's live one on the list, if any."""
    return await Checkin.raw(
        WINNER + " WHERE k.forum = {} AND (k.nonce = {} OR (k.registration = {}"
        " AND COALESCE(k.session, 0) = {} AND k.undone_at IS NULL))",
        forum_id,
        nonce,
        registration_id,
        session_id or 0,
    )


# An earlier scan synced late takes the check-in over: one conditional UPDATE, so that of
# two late scans racing only an earlier one wins, and a nonce never lands on two rows.
TAKE_OVER = (
    f'UPDATE {CHECKIN} SET scanned_at = {{}}, gate = {{}}, nonce = {{}}, manual = {{}}, "by" = {{}}'
    " WHERE id = {} AND undone_at IS NULL AND scanned_at > {}"
    f" AND NOT EXISTS (SELECT 1 FROM {CHECKIN} n WHERE n.forum = {{}} AND n.nonce = {{}})"
    " RETURNING id"
)


async def take_over(
    checkin_id: int,
    forum_id: int,
    *,
    scanned_at: dt.datetime,
    gate: str,
    nonce: str | None,
    manual: bool,
    by: int,
) -> bool:
    """Whether the live check-in became this earlier scan's (it was made later)."""
    rows = await Checkin.raw(
        TAKE_OVER,
        scanned_at,
        gate,
        nonce,
        manual,
        by,
        checkin_id,
        scanned_at,
        forum_id,
        nonce,
    )
    return bool(rows)


async def checkin_by_id(checkin_id: int) -> dict:
    return (await Checkin.raw(WINNER + " WHERE k.id = {}", checkin_id))[0]


async def people_with_serials(forum_id: int) -> list[dict]:
    """Everyone registered for the forum with their category and current ticket serial."""
    return await Checkin.raw(
        PEOPLE.format(", t.serial") + WITH_SERIAL + " WHERE r.forum = {} ORDER BY r.id",
        forum_id,
    )


# ESCAPE and a case-blind LIKE, which Piccolo's like/ilike do not offer together.
_CHECKED_IN = (
    f", EXISTS(SELECT 1 FROM {CHECKIN} k WHERE k.registration = r.id"
    " AND k.session IS NULL AND k.undone_at IS NULL) AS checked_in"
)


async def search(forum_id: int, prefix: str, *, like: str, limit: int) -> list[dict]:
    """People whose name, a word of it, local name or email starts with `prefix` (a LIKE
    pattern, escaped with backslash); `like` is "LIKE" or "ILIKE"."""
    if like not in ("LIKE", "ILIKE"):
        raise ValueError(like)
    # Only the operator is spliced in (a literal); every value is a bound parameter.
    return await Checkin.raw(
        PEOPLE.format(_CHECKED_IN) + " WHERE r.forum = {} AND ("
        f"r.name {like} {{}} ESCAPE '\\' OR r.name {like} {{}} ESCAPE '\\'"
        f" OR r.name_local {like} {{}} ESCAPE '\\' OR r.email {like} {{}} ESCAPE '\\')"
        " ORDER BY r.name, r.id LIMIT {}",
        forum_id,
        prefix,
        "% " + prefix,
        prefix,
        prefix.lower(),
        limit,
    )


# The live figures: counts per group with outer joins and subqueries, one statement each.
CONFIRMED_PER_CATEGORY = (
    f"SELECT c.code, c.name, c.name_local, COUNT(r.id) AS n FROM {CATEGORY} c"
    f" LEFT JOIN {REGISTRATION} r ON r.category = c.id AND r.status = {{}} WHERE c.forum = {{}}"
    " GROUP BY c.id, c.code, c.name, c.name_local, c.position ORDER BY c.position, c.id"
)
ENTRANCE = (
    f"SELECT k.registration, k.gate, k.scanned_at, c.code FROM {CHECKIN} k"
    f" JOIN {REGISTRATION} r ON r.id = k.registration JOIN {CATEGORY} c ON c.id = r.category"
    " WHERE k.forum = {} AND k.session IS NULL AND k.undone_at IS NULL"
)
LISTS = (
    f"SELECT s.id, s.title, s.title_local, (SELECT COUNT(*) FROM {CHECKIN} k WHERE k.session = s.id"
    f" AND k.undone_at IS NULL) AS checked_in, (SELECT COUNT(*) FROM {BOOKING} b"
    f" WHERE b.session = s.id) AS booked FROM {SESSION} s WHERE s.forum = {{}}"
    f" AND {IS_LIST} AND s.cancelled_at IS NULL"
    " ORDER BY s.starts_at, s.id"
)


async def confirmed_per_category(forum_id: int) -> list[dict]:
    """code, names and confirmed count `n` of each category, in the forum's order."""
    return await Checkin.raw(CONFIRMED_PER_CATEGORY, Status.CONFIRMED.value, forum_id)


async def entrance(forum_id: int) -> list[dict]:
    """Live check-ins at the entrance with their gate, time and category code."""
    return await Checkin.raw(ENTRANCE, forum_id)


async def lists(forum_id: int) -> list[dict]:
    """Each live check-in list's session with its check-ins and bookings counted."""
    return await Checkin.raw(LISTS, forum_id)
