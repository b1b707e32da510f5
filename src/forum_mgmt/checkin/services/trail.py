"""Check-ins as the access trail reads them: each row already says who let the person in
(and who undid it), so a scan writes nothing more than its one row (the hot path)."""

from __future__ import annotations

from piccolo.custom_types import Combinable

from forum_mgmt.audit.services import Entry
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Registration

SCAN, MANUAL, UNDO = "checkin.scan", "checkin.manual", "checkin.undo"
ACTIONS = (SCAN, MANUAL, UNDO)  # audit.register_source(ACTIONS, access_trail) in app.py


async def access_trail(forum: Forum, action: str, limit: int) -> list[Entry]:
    """The newest `limit` check-ins and undos of this forum as trail entries, newest first.
    The token a scanner used is not kept on the row: only the account is named."""
    found: list[Entry] = []
    if action in ("", SCAN, MANUAL):
        where: Combinable = Checkin.forum == forum.id
        if action:
            where &= Checkin.manual == (action == MANUAL)
        rows = (
            await Checkin.select(
                Checkin.registration, Checkin.by, Checkin.manual, Checkin.created_at
            )
            .where(where)
            .order_by(Checkin.created_at, ascending=False)
            .limit(limit)
        )
        found += [
            Entry(
                r["created_at"],
                MANUAL if r["manual"] else SCAN,
                r["by"],
                None,
                1,
                [r["registration"]],
            )
            for r in rows
        ]
    if action in ("", UNDO):
        rows = (
            await Checkin.select(Checkin.registration, Checkin.undone_by, Checkin.undone_at)
            .where((Checkin.forum == forum.id) & Checkin.undone_at.is_not_null())
            .order_by(Checkin.undone_at, ascending=False)
            .limit(limit)
        )
        found += [
            Entry(r["undone_at"], UNDO, r["undone_by"], None, 1, [r["registration"]]) for r in rows
        ]
    found.sort(key=lambda e: e.at, reverse=True)
    return found[:limit]


async def checkins_of(registration: Registration) -> list[dict]:
    """The person's own check-ins (their copy of their data): when, at which gate and door."""
    rows = (
        await Checkin.select(
            Checkin.scanned_at,
            Checkin.gate,
            Checkin.session.title.as_alias("session"),
            Checkin.manual,
            Checkin.undone_at,
        )
        .where(Checkin.registration == registration.id)
        .order_by(Checkin.id)
    )
    return [
        {
            "at": r["scanned_at"],
            "gate": r["gate"],
            "session": r["session"],  # None: the forum's entrance
            "by_name": r["manual"],
            "undone_at": r["undone_at"],
        }
        for r in rows
    ]
