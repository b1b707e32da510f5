"""The recent changes to a person's sessions, for their ticket page: read from the agenda's
change log (what changed while the forum was public), so the page shows them whether or
not the mail has gone yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forum_mgmt.agenda.tables import AgendaChange, Room
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum

DAYS = 14
LIMIT = 20
FIELDS = ("starts_at", "ends_at", "room")


@dataclass(frozen=True)
class Recent:
    session_id: int
    title: str
    title_local: str
    at: dt.datetime
    kind: str  # changed | cancelled | restored
    fields: list[tuple[str, str, str]]  # (time|starts_at|ends_at|room, before, after)


async def recent_changes(forum: Forum, session_ids: list[int]) -> list[Recent]:
    """Changes an attendee cares about (time, room, cancelled, restored) to these sessions
    in the last DAYS days, newest first."""
    if not session_ids:
        return []
    rows = await (
        AgendaChange.select(
            AgendaChange.action,
            AgendaChange.details,
            AgendaChange.created_at,
            AgendaChange.session.id.as_alias("session_id"),
            AgendaChange.session.title.as_alias("title"),
            AgendaChange.session.title_local.as_alias("title_local"),
        )
        .where(
            (AgendaChange.forum == forum.id)
            & AgendaChange.session.is_in(session_ids)
            & (AgendaChange.published == True)  # noqa: E712 - Piccolo builds SQL from ==
            & AgendaChange.action.is_in(["changed", "removed", "restored"])
            & (AgendaChange.created_at >= time.now() - dt.timedelta(days=DAYS))
        )
        .order_by(AgendaChange.id, ascending=False)
        .limit(LIMIT)
        .output(load_json=True)
    )
    rooms = {
        str(r["id"]): r["name_local"] or r["name"]
        for r in await Room.select(Room.id, Room.name, Room.name_local).where(
            Room.forum == forum.id
        )
    }
    found = []
    for r in rows:
        fields = _fields({f: (b, a) for f, b, a in r["details"] if f in FIELDS}, rooms)
        kind = {"removed": "cancelled", "restored": "restored"}.get(r["action"], "changed")
        if kind == "changed" and not fields:
            continue  # a title or an abstract: not where or when
        found.append(
            Recent(r["session_id"], r["title"], r["title_local"], r["created_at"], kind, fields)
        )
    return found


def _fields(
    changed: dict[str, tuple[str, str]], rooms: dict[str, str]
) -> list[tuple[str, str, str]]:
    """A start and an end that moved together read as one time: 2026-12-05 10:00–11:00."""
    fields: list[tuple[str, str, str]] = []
    if "starts_at" in changed and "ends_at" in changed:
        (sb, sa), (eb, ea) = changed.pop("starts_at"), changed.pop("ends_at")
        fields.append(("time", _span(sb, eb), _span(sa, ea)))
    fields += [(f, *changed[f]) for f in ("starts_at", "ends_at") if f in changed]
    if "room" in changed:
        before, after = changed["room"]
        fields.append(("room", rooms.get(before, before), rooms.get(after, after)))
    return fields


def _span(start: str, end: str) -> str:
    return f"{start}–{end[11:]}" if start[:10] == end[:10] else f"{start}–{end}"
