"""What every edit of the agenda shares: items fetched through their forum, written back.

A session's `sequence` and `updated_at` move on every change, and a removed session is
kept as cancelled, so that subscribed calendars learn of both (RFC 5545 SEQUENCE, STATUS).
Each change to a session, and each change or deletion of a room, track or speaker (which
changes the sessions that name them), is written to the change log (changelog.py) with
who made it. Rooms, tracks and speakers are edited in items.py, sessions in sessions.py.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from piccolo.columns.combination import Combinable
from piccolo.table import Table

from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


class InvalidAgendaItem(DomainError):
    status_code, code = 422, "invalid"


class InvalidSession(InvalidAgendaItem):
    code = "invalid_session"


# What a forum owns on its agenda: each has `forum`, `id` and is fetched through the forum.
Owned = TypeVar("Owned", Room, Track, Speaker, AgendaSession)
T = TypeVar("T", bound=Table)


def set_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a create or a patch sets (a patch leaves out what it does not name)."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


async def _owned(table: type[Owned], forum: Forum, item_id: int, message: str) -> Owned:
    item = await table.objects().where((table.id == item_id) & (table.forum == forum.id)).first()
    if item is None:
        raise NotFound(message)
    return item


async def list_items(table: type[Owned], forum: Forum) -> list[Owned]:
    """A forum's rooms, tracks or speakers, in the order they were added."""
    return await table.objects().where(table.forum == forum.id).order_by(table.id)


async def get_item(table: type[Owned], forum: Forum, item_id: int) -> Owned:
    """One room, track or speaker of this forum; another forum's is NotFound."""
    return await _owned(table, forum, item_id, _("There is nothing at this address."))


async def get_room(forum: Forum, room_id: int) -> Room:
    return await _owned(Room, forum, room_id, _("No such room in this forum."))


async def get_track(forum: Forum, track_id: int) -> Track:
    return await _owned(Track, forum, track_id, _("No such track in this forum."))


async def own_speaker(forum: Forum, speaker_id: int) -> Speaker:
    """One speaker of this forum, to edit; another forum's is NotFound."""
    return await _owned(Speaker, forum, speaker_id, _("This speaker is not on the agenda."))


async def live_session(forum: Forum, session_id: int) -> AgendaSession:
    """One session of this forum still on the agenda, to edit; a removed one is NotFound."""
    session = await _owned(
        AgendaSession, forum, session_id, _("This session is not on the agenda.")
    )
    if session.cancelled_at is not None:
        raise NotFound(_("This session is not on the agenda."))
    return session


async def write_fields(item: T, fields: dict[str, Any], *, bump: bool = False) -> T:
    """Save the changed fields; `bump` moves a session's sequence for the calendars."""
    if not fields and not bump:
        return item
    for name, value in fields.items():
        setattr(item, name, value)
    columns = [getattr(type(item), name) for name in fields]
    if bump:
        if not isinstance(item, AgendaSession):
            raise TypeError("only a session has a sequence to bump")
        item.sequence += 1
        item.updated_at = time.now()
        columns += [AgendaSession.sequence, AgendaSession.updated_at]
    await item.save(columns)
    return item


async def touch_sessions(where: Combinable, changes: dict | None = None) -> None:
    """Sessions whose calendar entries change with another item: bump them."""
    await AgendaSession.update(
        {
            **(changes or {}),
            AgendaSession.sequence: AgendaSession.sequence + 1,
            AgendaSession.updated_at: time.now(),
        }
    ).where(where)
