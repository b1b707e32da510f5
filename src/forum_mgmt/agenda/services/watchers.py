"""Who hears of a session's change: a domain to the right (notices) registers, as a process
starts, what to do with each change an attendee cares about (start, end, room, cancelled,
restored), and the agenda calls it inside the transaction of the change, so the two are
written together or not at all. Without a registered watcher an edit is refused loudly,
as with the bookings count (clashes.py): no process can forget to tell people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.forums.tables import Forum


@dataclass(frozen=True)
class Snapshot:
    """A session as an attendee sees it: when, where, and whether it still takes place."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None
    room: str
    room_local: str
    cancelled: bool


# Called with the forum and each changed session's snapshot from before the change.
ChangeWatcher = Callable[[Forum, dict[int, Snapshot]], Awaitable[None]]
_watcher: ChangeWatcher | None = None


def register_change_watcher(watch: ChangeWatcher) -> None:
    """From now on, changed sessions are reported to `await watch(forum, before)` in the
    transaction of the change; every process that edits sessions calls this first."""
    global _watcher
    _watcher = watch


async def snapshots(session_ids: list[int]) -> dict[int, Snapshot]:
    """The sessions as attendees see them now (one query)."""
    if not session_ids:
        return {}
    rows = await AgendaSession.select(
        AgendaSession.id,
        AgendaSession.starts_at,
        AgendaSession.ends_at,
        AgendaSession.room,
        AgendaSession.room.name.as_alias("room_name"),
        AgendaSession.room.name_local.as_alias("room_name_local"),
        AgendaSession.cancelled_at,
    ).where(AgendaSession.id.is_in(session_ids))
    return {
        r["id"]: Snapshot(
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            room_id=r["room"],
            room=r["room_name"] or "",
            room_local=r["room_name_local"] or "",
            cancelled=r["cancelled_at"] is not None,
        )
        for r in rows
    }


async def sessions_changed(forum: Forum, before: dict[int, Snapshot]) -> None:
    """Report changed sessions (call it in the change's transaction, after the write);
    sessions whose snapshot did not move are left out."""
    if _watcher is None:
        raise RuntimeError("no change watcher registered: call register_change_watcher first")
    after = await snapshots(list(before))
    moved = {sid: was for sid, was in before.items() if after.get(sid) != was}
    if moved:
        await _watcher(forum, moved)
