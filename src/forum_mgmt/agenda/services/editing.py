"""Editing a forum's agenda: every item is fetched through its forum, every write checked.

A session's `sequence` and `updated_at` move on every change, and a removed session is
kept as cancelled, so that subscribed calendars learn of both (RFC 5545 SEQUENCE, STATUS).
Each change to a session, and each change or deletion of a room, track or speaker (which
changes the sessions that name them), is written to the change log with who made it.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from forum_mgmt.agenda.schemas import (
    RoomIn,
    RoomPatch,
    SessionIn,
    SessionPatch,
    SpeakerIn,
    SpeakerPatch,
    TrackIn,
    TrackPatch,
)
from forum_mgmt.agenda.services.clashes import AgendaClash, Clash, find_clashes
from forum_mgmt.agenda.tables import (
    AgendaChange,
    AgendaSession,
    Room,
    SessionSpeaker,
    Speaker,
    Track,
)
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


class InvalidAgendaItem(DomainError):
    status_code, code = 422, "invalid"


class InvalidSession(InvalidAgendaItem):
    code = "invalid_session"


def _set_fields(data: msgspec.Struct) -> dict:
    """The fields a create or a patch sets (a patch leaves out what it does not name)."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


async def _owned(table: type[Table], forum: Forum, item_id: int, message: str):
    item = await table.objects().where((table.id == item_id) & (table.forum == forum.id)).first()
    if item is None:
        raise NotFound(message)
    return item


async def list_items(table: type[Table], forum: Forum) -> list:
    """A forum's rooms, tracks or speakers, in the order they were added."""
    return await table.objects().where(table.forum == forum.id).order_by(table.id)


async def get_item(table: type[Table], forum: Forum, item_id: int):
    """One room, track or speaker of this forum; another forum's is NotFound."""
    return await _owned(table, forum, item_id, _("There is nothing at this address."))


async def get_room(forum: Forum, room_id: int) -> Room:
    return await _owned(Room, forum, room_id, _("No such room in this forum."))


async def get_track(forum: Forum, track_id: int) -> Track:
    return await _owned(Track, forum, track_id, _("No such track in this forum."))


async def _get_speaker(forum: Forum, speaker_id: int) -> Speaker:
    return await _owned(Speaker, forum, speaker_id, _("This speaker is not on the agenda."))


async def _get_live_session(forum: Forum, session_id: int) -> AgendaSession:
    session = await _owned(
        AgendaSession, forum, session_id, _("This session is not on the agenda.")
    )
    if session.cancelled_at is not None:
        raise NotFound(_("This session is not on the agenda."))
    return session


# Rooms, tracks, speakers -------------------------------------------------------------


async def add_room(forum: Forum, data: RoomIn) -> Room:
    await _name_free(Room, forum, data.name)
    position = await Room.count().where(Room.forum == forum.id)
    room = Room(forum=forum.id, position=position, **_set_fields(data))
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
        await _touch_sessions(AgendaSession.room == room.id, {AgendaSession.room: None})
        await Room.delete().where(Room.id == room.id)
        await _log_item(forum, "room", "deleted", by, [["name", room.name, ""]])


async def add_track(forum: Forum, data: TrackIn) -> Track:
    await _name_free(Track, forum, data.name)
    track = Track(forum=forum.id, **_set_fields(data))
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
    column,
    *,
    by: BaseUser | None,
):
    """Change a room or track (unique names per forum); its sessions' feeds move with it."""
    fields = _set_fields(data)
    if "name" in fields and fields["name"] != item.name:
        await _name_free(type(item), forum, fields["name"])
    before = {name: getattr(item, name) for name in fields}
    async with transaction():
        if fields:  # named in its sessions' calendar entries and schedule files
            await _touch_sessions(column == item.id)
        item = await _apply(item, fields)
        await _log_item_change(forum, item, before, by, column == item.id)
        return item


async def delete_track(forum: Forum, track_id: int, *, by: BaseUser | None = None) -> None:
    """Delete a track; its sessions stay, without a track."""
    track = await get_track(forum, track_id)
    async with transaction():
        titles = await _live_titles(AgendaSession.track == track.id)
        await _touch_sessions(AgendaSession.track == track.id)
        await Track.delete().where(Track.id == track.id)
        await _log_item(forum, "track", "deleted", by, _deleted(track.name, titles))


async def add_speaker(forum: Forum, data: SpeakerIn) -> Speaker:
    speaker = Speaker(forum=forum.id, **_set_fields(data))
    await speaker.save()
    return speaker


def _sessions_of(speaker: Speaker):
    return AgendaSession.id.is_in(
        SessionSpeaker.select(SessionSpeaker.session).where(SessionSpeaker.speaker == speaker.id)
    )


async def update_speaker(
    forum: Forum, speaker_id: int, data: SpeakerPatch, *, by: BaseUser | None = None
) -> Speaker:
    speaker = await _get_speaker(forum, speaker_id)
    fields = _set_fields(data)
    before = {name: getattr(speaker, name) for name in fields}
    async with transaction():
        if fields:
            # name, organisation and bio are in the sessions' calendar entries and schedules
            await _touch_sessions(_sessions_of(speaker))
        speaker = await _apply(speaker, fields)
        await _log_item_change(forum, speaker, before, by, _sessions_of(speaker))
        return speaker


async def delete_speaker(forum: Forum, speaker_id: int, *, by: BaseUser | None = None) -> None:
    """Delete a speaker; their sessions stay, without them (the change log names them)."""
    speaker = await _get_speaker(forum, speaker_id)
    async with transaction():
        titles = await _live_titles(_sessions_of(speaker))
        await _touch_sessions(_sessions_of(speaker))
        await Speaker.delete().where(Speaker.id == speaker.id)
        await _log_item(forum, "speaker", "deleted", by, _deleted(speaker.name, titles))


# Sessions ----------------------------------------------------------------------------


async def add_session(
    forum: Forum, data: SessionIn, *, by: BaseUser | None = None
) -> AgendaSession:
    """A session whose room, track and speakers belong to this forum; refused if it clashes
    with the agenda, unless `allow_conflicts` says the organizer accepts that."""
    speakers = _speaker_list(data.speakers, data.speaker_ids)
    await _check_session(forum, data.starts_at, data.ends_at, data.room_id, data.track_id, speakers)
    if not data.allow_conflicts:
        await _refuse_clashes(
            forum, data.starts_at, data.ends_at, data.room_id, speakers, data.capacity, None
        )
    fields = _set_fields(data)
    for key in ("speakers", "speaker_ids", "room_id", "track_id", "allow_conflicts"):
        fields.pop(key, None)
    async with transaction():
        session = AgendaSession(
            forum=forum.id,
            room=data.room_id,
            track=data.track_id,
            updated_at=time.now(),
            **fields,
        )
        await session.save()
        await _set_speakers(session, speakers)
        await _log(forum, session, by, "added", [])
    return session


async def update_session(
    forum: Forum,
    session_id: int,
    data: SessionPatch,
    *,
    by: BaseUser | None = None,
    booked: int = 0,
) -> AgendaSession:
    """Change a session; its sequence moves so that calendars take the change."""
    session = await _get_live_session(forum, session_id)
    fields = _set_fields(data)
    allow_conflicts = fields.pop("allow_conflicts", False)
    speakers = None
    if "speakers" in fields or "speaker_ids" in fields:
        speakers = _speaker_list(fields.pop("speakers", []), fields.pop("speaker_ids", []))
    room_id = fields.pop("room_id", session.room)
    track_id = fields.pop("track_id", session.track)
    await _check_session(
        forum,
        fields.get("starts_at", session.starts_at),
        fields.get("ends_at", session.ends_at),
        room_id,
        track_id,
        speakers or [],
    )
    if not allow_conflicts:
        if speakers is None:
            links = await SessionSpeaker.select(SessionSpeaker.speaker).where(
                SessionSpeaker.session == session.id
            )
            current = [(r["speaker"], "speaker") for r in links]
        await _refuse_clashes(
            forum,
            fields.get("starts_at", session.starts_at),
            fields.get("ends_at", session.ends_at),
            room_id,
            current if speakers is None else speakers,
            fields.get("capacity", session.capacity),
            session.id,
            booked,
        )
    before = {name: getattr(session, name) for name in LOGGED}
    async with transaction():
        fields.update(room=room_id, track=track_id)
        session = await _apply(session, fields, bump=True)
        if speakers is not None:
            await SessionSpeaker.delete().where(SessionSpeaker.session == session.id)
            await _set_speakers(session, speakers)
        details = [
            [name, _shown(before[name], forum), _shown(getattr(session, name), forum)]
            for name in LOGGED
            if before[name] != getattr(session, name)
        ]
        if speakers is not None:
            names = await Speaker.select(Speaker.name).where(
                Speaker.id.is_in([sid for sid, _r in speakers] or [0])
            )
            details.append(["speakers", "", ", ".join(r["name"] for r in names)])
        await _log(forum, session, by, "changed", details)
    return session


async def preview_session(
    forum: Forum, data: SessionPatch, *, session_id: int | None = None, booked: int = 0
) -> list[Clash]:
    """What saving the session form would answer, as a list shown while the organizer types:
    the fields it refuses (an end before the start, another forum's room), else the clashes."""
    if session_id is not None:
        await _get_live_session(forum, session_id)
    fields = _set_fields(data)
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    room_id = fields.get("room_id")
    speakers = _speaker_list(fields.get("speakers", []), fields.get("speaker_ids", []))
    try:
        await _check_session(forum, starts_at, ends_at, room_id, fields.get("track_id"), speakers)
    except InvalidSession as refused:
        return [Clash("invalid", message, None) for message in refused.fields.values()]
    return await find_clashes(
        forum,
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room_id,
        speaker_ids=[sid for sid, _role in speakers],
        capacity=fields.get("capacity"),
        session_id=session_id,
        booked=booked,
    )


async def remove_session(
    forum: Forum, session_id: int, *, by: BaseUser | None = None
) -> AgendaSession:
    """Take a session off the agenda; it stays as cancelled so that calendars drop it."""
    session = await _get_live_session(forum, session_id)
    async with transaction():
        session = await _apply(session, {"cancelled_at": time.now()}, bump=True)
        await _log(forum, session, by, "removed", [])
    return session


# Helpers -----------------------------------------------------------------------------

# Session fields whose changes the change log records.
LOGGED = (
    "title",
    "title_local",
    "kind",
    "language",
    "starts_at",
    "ends_at",
    "room",
    "track",
    "capacity",
    "abstract",
    "abstract_local",
)


def _shown(value, forum: Forum) -> str:
    if isinstance(value, dt.datetime):
        return time.local(value, forum.timezone).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


async def _log(
    forum: Forum, session: AgendaSession, by: BaseUser | None, action: str, details: list
) -> None:
    if action == "changed" and not details:
        return
    await AgendaChange.insert(
        AgendaChange(
            forum=forum.id,
            session=session.id,
            user=by.id if by else None,
            action=action,
            details=details,
            published=forum.status == "published",
            created_at=time.now(),
        )
    )


# A room, track or speaker is logged as "<kind>_changed" or "<kind>_deleted", without a
# session; its details start with ["name", before, after] (the same name twice when it
# kept its name) and end with ["sessions", before, after]: the titles of the live sessions
# that changed with it (after a change) or that it was taken off (before a deletion).
ITEM_KINDS = {Room: "room", Track: "track", Speaker: "speaker"}


async def _live_titles(where) -> str:
    rows = await (
        AgendaSession.select(AgendaSession.title)
        .where(where & AgendaSession.cancelled_at.is_null())
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    return ", ".join(r["title"] for r in rows)


def _deleted(name: str, titles: str) -> list:
    return [["name", name, ""], *([["sessions", titles, ""]] if titles else [])]


async def _log_item_change(
    forum: Forum, item: Room | Track | Speaker, before: dict, by: BaseUser | None, sessions
) -> None:
    changed = [
        [name, _shown(old, forum), _shown(getattr(item, name), forum)]
        for name, old in before.items()
        if name != "name" and old != getattr(item, name)
    ]
    old_name = before.get("name", item.name)
    if not changed and old_name == item.name:
        return  # saved as it was: nothing to tell
    titles = await _live_titles(sessions)
    details = [["name", old_name, item.name], *changed]
    if titles:
        details.append(["sessions", "", titles])
    await _log_item(forum, ITEM_KINDS[type(item)], "changed", by, details)


async def _log_item(
    forum: Forum, kind: str, action: str, by: BaseUser | None, details: list
) -> None:
    await AgendaChange.insert(
        AgendaChange(
            forum=forum.id,
            session=None,
            user=by.id if by else None,
            action=f"{kind}_{action}",
            details=details,
            published=forum.status == "published",
            created_at=time.now(),
        )
    )


async def list_changes(forum: Forum, *, limit: int = 200) -> list[dict]:
    """The newest changes first, with the session's title (or the room's, track's or
    speaker's name: `subject`, `name`) and the person's name."""
    rows = (
        await AgendaChange.select(
            AgendaChange.action,
            AgendaChange.details,
            AgendaChange.published,
            AgendaChange.created_at,
            AgendaChange.session.id.as_alias("session_id"),
            AgendaChange.session.title.as_alias("title"),
            AgendaChange.user.username.as_alias("username"),
        )
        .where(AgendaChange.forum == forum.id)
        .order_by(AgendaChange.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    for row in rows:
        subject, _sep, verb = row["action"].rpartition("_")
        row["subject"], row["verb"] = subject or "session", verb
        row["name"] = row["title"]
        if subject:
            row["name"] = next((a or b for f, b, a in row["details"] if f == "name"), "")
    return rows


async def _refuse_clashes(
    forum, starts_at, ends_at, room_id, speakers, capacity, session_id, booked=0
):
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        return  # reported as a field error by _check_session
    clashes = await find_clashes(
        forum,
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room_id,
        speaker_ids=[sid for sid, _role in speakers],
        capacity=capacity,
        session_id=session_id,
        booked=booked,
    )
    if clashes:
        raise AgendaClash(clashes)


def _speaker_list(speakers: list, speaker_ids: list[int]) -> list[tuple[int, str]]:
    """Speakers with roles, or plain speaker ids (each then a "speaker")."""
    if speakers:
        return [(s.speaker_id, s.role) for s in speakers]
    return [(sid, "speaker") for sid in speaker_ids]


async def _set_speakers(session: AgendaSession, speakers: list[tuple[int, str]]) -> None:
    if speakers:
        await SessionSpeaker.insert(
            *(
                SessionSpeaker(session=session.id, speaker=sid, role=role, position=i)
                for i, (sid, role) in enumerate(speakers)
            )
        )


async def _apply(item: Table, fields: dict, *, bump: bool = False) -> Table:
    if not fields and not bump:
        return item
    for name, value in fields.items():
        setattr(item, name, value)
    columns = [getattr(type(item), name) for name in fields]
    if bump:
        item.sequence += 1
        item.updated_at = time.now()
        columns += [AgendaSession.sequence, AgendaSession.updated_at]
    await item.save(columns)
    return item


async def _touch_sessions(where, changes: dict | None = None) -> None:
    """Sessions whose calendar entries change with another item: bump them."""
    await AgendaSession.update(
        {
            **(changes or {}),
            AgendaSession.sequence: AgendaSession.sequence + 1,
            AgendaSession.updated_at: time.now(),
        }
    ).where(where)


async def _name_free(table: type[Table], forum: Forum, name: str) -> None:
    if await table.exists().where((table.forum == forum.id) & (table.name == name)):
        raise InvalidAgendaItem(
            _("That name is already used in this forum."),
            fields={"name": _("Choose another name.")},
        )


async def _check_session(
    forum: Forum,
    starts_at,
    ends_at,
    room_id: int | None,
    track_id: int | None,
    speakers: list[tuple[int, str]],
) -> None:
    fields = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None:
            fields[name] = _("Give the time with its UTC offset, such as +08:00.")
    if not fields and ends_at <= starts_at:
        fields["ends_at"] = _("A session must end after it starts.")
    owned = (
        (Room, room_id, "room_id", _("No such room in this forum.")),
        (Track, track_id, "track_id", _("No such track in this forum.")),
    )
    for table, ident, name, message in owned:
        if ident is not None and not await table.exists().where(
            (table.id == ident) & (table.forum == forum.id)
        ):
            fields[name] = message
    wanted = {sid for sid, _role in speakers}
    if wanted:
        found = await Speaker.select(Speaker.id).where(
            Speaker.id.is_in(list(wanted)) & (Speaker.forum == forum.id)
        )
        if len(found) != len(wanted) or len(wanted) != len(speakers):
            fields["speakers"] = _("Each speaker must be of this forum, and listed once.")
    if fields:
        raise InvalidSession(_("Some fields need attention."), fields=fields)
