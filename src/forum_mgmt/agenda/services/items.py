"""Editing a forum's rooms, tracks and speakers; the sessions that name them move with them."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Column
from piccolo.columns.combination import Combinable

from forum_mgmt.agenda.schemas import (
    RoomIn,
    RoomPatch,
    SpeakerIn,
    SpeakerPatch,
    TrackIn,
    TrackPatch,
)
from forum_mgmt.agenda.services.changelog import deleted, live_titles, log_item, log_item_change
from forum_mgmt.agenda.services.editing import (
    InvalidAgendaItem,
    get_room,
    get_track,
    own_speaker,
    set_fields,
    touch_sessions,
    write_fields,
)
from forum_mgmt.agenda.services.watchers import sessions_changed, snapshots
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


async def add_room(forum: Forum, data: RoomIn) -> Room:
    await _name_free(Room, forum, data.name)
    position = await Room.count().where(Room.forum == forum.id)
    room = Room(forum=forum.id, position=position, **set_fields(data))
    await room.save()
    return room


async def update_room(
    forum: Forum, room_id: int, data: RoomPatch, *, by: BaseUser | None = None
) -> Room:
    room = await get_room(forum, room_id)
    return await _rename(forum, room, data, AgendaSession.room, by=by)


async def delete_room(forum: Forum, room_id: int, *, by: BaseUser | None = None) -> None:
    """Delete an unused room; a room that holds sessions is refused, not emptied."""
    room = await get_room(forum, room_id)
    in_use = await AgendaSession.count().where(
        (AgendaSession.room == room.id) & AgendaSession.cancelled_at.is_null()
    )
    if in_use:
        raise Conflict(_("Sessions are planned in this room: move or remove them first."))
    async with transaction():
        # Removed sessions keep their place in calendars, not their room.
        await touch_sessions(AgendaSession.room == room.id, {AgendaSession.room: None})
        await Room.delete().where(Room.id == room.id)
        await log_item(forum, "room", "deleted", by, [["name", room.name, ""]])


async def add_track(forum: Forum, data: TrackIn) -> Track:
    await _name_free(Track, forum, data.name)
    track = Track(forum=forum.id, **set_fields(data))
    await track.save()
    return track


async def update_track(
    forum: Forum, track_id: int, data: TrackPatch, *, by: BaseUser | None = None
) -> Track:
    track = await get_track(forum, track_id)
    return await _rename(forum, track, data, AgendaSession.track, by=by)


async def _rename(
    forum: Forum,
    item: Room | Track,
    data: RoomPatch | TrackPatch,
    column: Column,
    *,
    by: BaseUser | None,
):
    """Change a room or track (unique names per forum); its sessions' feeds move with it."""
    fields = set_fields(data)
    if "name" in fields and fields["name"] != item.name:
        await _name_free(type(item), forum, fields["name"])
    before = {name: getattr(item, name) for name in fields}
    async with transaction():
        seen = {}
        if isinstance(item, Room) and fields:  # a new name is a new place to go to
            rows = await AgendaSession.select(AgendaSession.id).where(column == item.id)
            seen = await snapshots([r["id"] for r in rows])
        if fields:  # named in its sessions' calendar entries and schedule files
            await touch_sessions(column == item.id)
        item = await write_fields(item, fields)
        await log_item_change(forum, item, before, by, column == item.id)
        if seen:
            await sessions_changed(forum, seen)
        return item


async def delete_track(forum: Forum, track_id: int, *, by: BaseUser | None = None) -> None:
    """Delete a track; its sessions stay, without a track."""
    track = await get_track(forum, track_id)
    await _delete(forum, track, "track", AgendaSession.track == track.id, by)


async def add_speaker(forum: Forum, data: SpeakerIn) -> Speaker:
    speaker = Speaker(forum=forum.id, **set_fields(data))
    await speaker.save()
    return speaker


def _sessions_of(speaker: Speaker) -> Combinable:
    return AgendaSession.id.is_in(
        SessionSpeaker.select(SessionSpeaker.session).where(SessionSpeaker.speaker == speaker.id)
    )


async def update_speaker(
    forum: Forum, speaker_id: int, data: SpeakerPatch, *, by: BaseUser | None = None
) -> Speaker:
    speaker = await own_speaker(forum, speaker_id)
    fields = set_fields(data)
    before = {name: getattr(speaker, name) for name in fields}
    async with transaction():
        if fields:
            # name, organisation and bio are in the sessions' calendar entries and schedules
            await touch_sessions(_sessions_of(speaker))
        speaker = await write_fields(speaker, fields)
        await log_item_change(forum, speaker, before, by, _sessions_of(speaker))
        return speaker


async def delete_speaker(forum: Forum, speaker_id: int, *, by: BaseUser | None = None) -> None:
    """Delete a speaker; their sessions stay, without them (the change log names them)."""
    speaker = await own_speaker(forum, speaker_id)
    await _delete(forum, speaker, "speaker", _sessions_of(speaker), by)


async def _delete(
    forum: Forum, item: Track | Speaker, kind: str, sessions: Combinable, by: BaseUser | None
) -> None:
    """Delete a track or speaker; the sessions that named it stay, their feeds bumped."""
    async with transaction():
        titles = await live_titles(sessions)
        await touch_sessions(sessions)
        await type(item).delete().where(type(item).id == item.id)
        await log_item(forum, kind, "deleted", by, deleted(item.name, titles))


async def _name_free(table: type[Room | Track | Speaker], forum: Forum, name: str) -> None:
    if await table.exists().where((table.forum == forum.id) & (table.name == name)):
        raise InvalidAgendaItem(
            _("That name is already used in this forum."),
            fields={"name": _("Choose another name.")},
        )
