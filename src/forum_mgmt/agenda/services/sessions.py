"""Editing a forum's sessions: add, change (or move), remove, and preview the clashes a change
would cause; every write is checked against the agenda first."""

from __future__ import annotations

import datetime as dt

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.agenda.schemas import SessionIn, SessionPatch, SessionSpeakerIn
from forum_mgmt.agenda.services.changelog import LOGGED, log_session, shown
from forum_mgmt.agenda.services.clashes import AgendaClash, Clash, blocking, find_clashes
from forum_mgmt.agenda.services.editing import (
    InvalidSession,
    live_session,
    set_fields,
    write_fields,
)
from forum_mgmt.agenda.services.watchers import sessions_changed, snapshots
from forum_mgmt.agenda.tables import (
    AgendaSession,
    Room,
    SessionKind,
    SessionSpeaker,
    Speaker,
    Track,
)
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


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
    fields = set_fields(data)
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
        await log_session(forum, session, by, "added", [])
    return session


async def update_session(
    forum: Forum, session_id: int, data: SessionPatch, *, by: BaseUser | None = None
) -> AgendaSession:
    """Change a session; its sequence moves so that calendars take the change. The room's
    capacity is checked against the session's bookings too (clashes.register_bookings_count)."""
    session = await live_session(forum, session_id)
    fields = set_fields(data)
    allow_conflicts = fields.pop("allow_conflicts", False)
    speakers = None
    if "speakers" in fields or "speaker_ids" in fields:
        speakers = _speaker_list(fields.pop("speakers", []), fields.pop("speaker_ids", []))
    room_id = fields.pop("room_id", session.room)
    track_id = fields.pop("track_id", session.track)
    starts_at = fields.get("starts_at", session.starts_at)
    ends_at = fields.get("ends_at", session.ends_at)
    await _check_session(forum, starts_at, ends_at, room_id, track_id, speakers or [])
    if not allow_conflicts:
        if speakers is None:
            links = await SessionSpeaker.select(SessionSpeaker.speaker).where(
                SessionSpeaker.session == session.id
            )
            current = [(r["speaker"], "speaker") for r in links]
        await _refuse_clashes(
            forum,
            starts_at,
            ends_at,
            room_id,
            current if speakers is None else speakers,
            fields.get("capacity", session.capacity),
            session.id,
        )
    before = {name: getattr(session, name) for name in LOGGED}
    async with transaction():
        seen = await snapshots([session.id])
        fields.update(room=room_id, track=track_id)
        session = await write_fields(session, fields, bump=True)
        if speakers is not None:
            await SessionSpeaker.delete().where(SessionSpeaker.session == session.id)
            await _set_speakers(session, speakers)
        details = [
            [name, shown(before[name], forum), shown(getattr(session, name), forum)]
            for name in LOGGED
            if before[name] != getattr(session, name)
        ]
        if speakers is not None:
            names = await Speaker.select(Speaker.name).where(
                Speaker.id.is_in([sid for sid, _r in speakers] or [0])
            )
            details.append(["speakers", "", ", ".join(r["name"] for r in names)])
        await log_session(forum, session, by, "changed", details)
        await sessions_changed(forum, seen)
    return session


async def preview_session(
    forum: Forum, data: SessionPatch, *, session_id: int | None = None
) -> list[Clash]:
    """What saving the session form would answer, as a list shown while the organizer types:
    the fields it refuses (an end before the start, another forum's room), else the clashes
    (with the bookings of the saved session `session_id`, if it is one)."""
    if session_id is not None:
        await live_session(forum, session_id)
    fields = set_fields(data)
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    room_id = fields.get("room_id")
    speakers = _speaker_list(fields.get("speakers", []), fields.get("speaker_ids", []))
    try:
        await _check_session(forum, starts_at, ends_at, room_id, fields.get("track_id"), speakers)
    except InvalidSession as refused:
        return [Clash("invalid", message, None) for message in refused.fields.values()]
    kind = fields.get("kind") or SessionKind.TALK
    return await _clashes(
        forum, starts_at, ends_at, room_id, speakers, fields.get("capacity"), session_id, kind
    )


async def remove_session(
    forum: Forum, session_id: int, *, by: BaseUser | None = None
) -> AgendaSession:
    """Take a session off the agenda; it stays as cancelled so that calendars drop it."""
    session = await live_session(forum, session_id)
    async with transaction():
        seen = await snapshots([session.id])
        session = await write_fields(session, {"cancelled_at": time.now()}, bump=True)
        await log_session(forum, session, by, "removed", [])
        await sessions_changed(forum, seen)
    return session


async def restore_session(
    forum: Forum, session_id: int, *, by: BaseUser | None = None
) -> AgendaSession:
    """Put a removed session back on the agenda, where and when it was; calendars take it
    back (its sequence moves). One still on the agenda is a Conflict."""
    session = (
        await AgendaSession.objects()
        .where((AgendaSession.id == session_id) & (AgendaSession.forum == forum.id))
        .first()
    )
    if session is None:
        raise NotFound(_("This session is not on the agenda."))
    if session.cancelled_at is None:
        raise Conflict(_("This session is on the agenda: there is nothing to restore."))
    async with transaction():
        seen = await snapshots([session.id])
        session = await write_fields(session, {"cancelled_at": None}, bump=True)
        await log_session(forum, session, by, "restored", [])
        await sessions_changed(forum, seen)
    return session


async def _clashes(
    forum: Forum,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room_id: int | None,
    speakers: list[tuple[int, str]],
    capacity: int | None,
    session_id: int | None,
    kind: str | None = None,
) -> list[Clash]:
    """The clashes; with the session's `kind`, the crowding warning too (previews only:
    a warning never refuses a save)."""
    return await find_clashes(
        forum,
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room_id,
        speaker_ids=[sid for sid, _role in speakers],
        capacity=capacity,
        session_id=session_id,
        kind=kind,
    )


async def _refuse_clashes(
    forum: Forum,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room_id: int | None,
    speakers: list[tuple[int, str]],
    capacity: int | None,
    session_id: int | None,
) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        return  # reported as a field error by _check_session
    clashes = await _clashes(forum, starts_at, ends_at, room_id, speakers, capacity, session_id)
    if blocking(clashes):
        raise AgendaClash(blocking(clashes))


def _speaker_list(
    speakers: list[SessionSpeakerIn], speaker_ids: list[int]
) -> list[tuple[int, str]]:
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


async def _check_session(
    forum: Forum,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
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
