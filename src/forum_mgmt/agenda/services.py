"""The agenda: rooms, tracks, speakers and sessions of one forum, and how they are read.

Every read costs a fixed number of queries whatever the forum's size: a forum's rooms,
tracks, sessions and session-speaker links are each one query, joined here in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import msgspec

from forum_mgmt.agenda.schemas import RoomIn, SessionIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


class InvalidSession(DomainError):
    status_code, code = 422, "invalid_session"


@dataclass
class SessionView:
    session: AgendaSession
    room: Room | None
    track: Track | None
    speakers: list[tuple[Speaker, str]] = field(default_factory=list)
    state: str = ""  # "now" or "next" on the forum's current day

    @property
    def id(self) -> int:
        return self.session.id


@dataclass
class Day:
    date: dt.date
    sessions: list[SessionView]


@dataclass
class Agenda:
    rooms: list[Room]
    tracks: list[Track]
    sessions: list[SessionView]

    def days(self, tz: str) -> list[Day]:
        by_day: dict[dt.date, list[SessionView]] = defaultdict(list)
        for view in self.sessions:
            by_day[time.local(view.session.starts_at, tz).date()].append(view)
        return [Day(date, views) for date, views in sorted(by_day.items())]

    def languages(self) -> list[str]:
        return sorted({v.session.language for v in self.sessions})


async def load_agenda(forum: Forum) -> Agenda:
    """All of a forum's agenda, in start order, in four queries."""
    rooms = await Room.objects().where(Room.forum == forum.id).order_by(Room.position, Room.id)
    tracks = await Track.objects().where(Track.forum == forum.id).order_by(Track.name)
    sessions = (
        await AgendaSession.objects()
        .where(AgendaSession.forum == forum.id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    links = (
        await SessionSpeaker.objects(SessionSpeaker.speaker)
        .where(SessionSpeaker.session.forum == forum.id)
        .order_by(SessionSpeaker.position, SessionSpeaker.id)
    )
    return Agenda(rooms, tracks, _views(sessions, rooms, tracks, links))


def _views(
    sessions: list[AgendaSession],
    rooms: list[Room],
    tracks: list[Track],
    links: list[SessionSpeaker],
) -> list[SessionView]:
    room_by_id = {r.id: r for r in rooms}
    track_by_id = {t.id: t for t in tracks}
    room_order = {r.id: i for i, r in enumerate(rooms)}
    speakers: dict[int, list[tuple[Speaker, str]]] = defaultdict(list)
    for link in links:
        speakers[link.session].append((link.speaker, link.role))
    views = [
        SessionView(s, room_by_id.get(s.room), track_by_id.get(s.track), speakers[s.id])
        for s in sessions
    ]
    views.sort(key=lambda v: (v.session.starts_at, room_order.get(v.session.room, 999), v.id))
    return views


def mark_now_and_next(views: list[SessionView], now: dt.datetime, tz: str) -> None:
    """Mark what is running now, and what starts next later the same day (in the forum's zone)."""
    today = time.local(now, tz).date()
    upcoming = [
        v.session.starts_at
        for v in views
        if v.session.starts_at > now and time.local(v.session.starts_at, tz).date() == today
    ]
    next_start = min(upcoming) if upcoming else None
    for view in views:
        if view.session.starts_at <= now < view.session.ends_at:
            view.state = "now"
        elif view.session.starts_at == next_start:
            view.state = "next"


def filter_sessions(
    views: list[SessionView], *, room: int | None, track: int | None, language: str | None
) -> list[SessionView]:
    return [
        v
        for v in views
        if (room is None or v.session.room == room)
        and (track is None or v.session.track == track)
        and (not language or language in v.session.language.split("+"))
    ]


async def get_session(forum: Forum, session_id: int) -> SessionView:
    """One session of this forum with its room, track and speakers."""
    session = (
        await AgendaSession.objects()
        .where((AgendaSession.id == session_id) & (AgendaSession.forum == forum.id))
        .first()
    )
    if session is None:
        raise NotFound(_("This session is not on the agenda."))
    room = await Room.objects().where(Room.id == session.room).first() if session.room else None
    track = (
        await Track.objects().where(Track.id == session.track).first() if session.track else None
    )
    links = (
        await SessionSpeaker.objects(SessionSpeaker.speaker)
        .where(SessionSpeaker.session == session.id)
        .order_by(SessionSpeaker.position, SessionSpeaker.id)
    )
    return SessionView(session, room, track, [(link.speaker, link.role) for link in links])


async def list_tracks(forum: Forum) -> list[Track]:
    return await Track.objects().where(Track.forum == forum.id).order_by(Track.name)


async def list_speakers(forum: Forum) -> list[Speaker]:
    return await Speaker.objects().where(Speaker.forum == forum.id).order_by(Speaker.name)


async def get_speaker(forum: Forum, speaker_id: int) -> tuple[Speaker, list[SessionView]]:
    """A speaker of this forum and the sessions they appear in."""
    speaker = (
        await Speaker.objects()
        .where((Speaker.id == speaker_id) & (Speaker.forum == forum.id))
        .first()
    )
    if speaker is None:
        raise NotFound(_("This speaker is not on the agenda."))
    agenda = await load_agenda(forum)
    sessions = [v for v in agenda.sessions if any(s.id == speaker.id for s, _r in v.speakers)]
    return speaker, sessions


# Writes used by the demo loader now, and by the organizer workspace later.


async def add_room(forum: Forum, data: RoomIn) -> Room:
    position = await Room.count().where(Room.forum == forum.id)
    room = Room(forum=forum.id, position=position, **_fields(data))
    await room.save()
    return room


async def add_track(forum: Forum, data: TrackIn) -> Track:
    track = Track(forum=forum.id, **_fields(data))
    await track.save()
    return track


async def add_speaker(forum: Forum, data: SpeakerIn) -> Speaker:
    speaker = Speaker(forum=forum.id, **_fields(data))
    await speaker.save()
    return speaker


async def add_session(forum: Forum, data: SessionIn) -> AgendaSession:
    """A session whose room, track and speakers all belong to this forum."""
    await _check_session(forum, data)
    fields = _fields(data)
    for key in ("speakers", "room_id", "track_id"):
        fields.pop(key)
    async with transaction():
        session = AgendaSession(
            forum=forum.id,
            room=data.room_id,
            track=data.track_id,
            updated_at=time.now(),
            **fields,
        )
        await session.save()
        if data.speakers:
            await SessionSpeaker.insert(
                *(
                    SessionSpeaker(
                        session=session.id, speaker=s.speaker_id, role=s.role, position=i
                    )
                    for i, s in enumerate(data.speakers)
                )
            )
    return session


async def _check_session(forum: Forum, data: SessionIn) -> None:
    fields = {}
    for name in ("starts_at", "ends_at"):
        if getattr(data, name).tzinfo is None:
            fields[name] = _("Give the time with its UTC offset, such as +08:00.")
    if not fields and data.ends_at <= data.starts_at:
        fields["ends_at"] = _("A session must end after it starts.")
    owned = (
        (Room, data.room_id, "room_id", _("No such room in this forum.")),
        (Track, data.track_id, "track_id", _("No such track in this forum.")),
    )
    for table, ident, name, message in owned:
        if ident is not None and not await table.exists().where(
            (table.id == ident) & (table.forum == forum.id)
        ):
            fields[name] = message
    wanted = {s.speaker_id for s in data.speakers}
    if wanted:
        found = await Speaker.select(Speaker.id).where(
            Speaker.id.is_in(list(wanted)) & (Speaker.forum == forum.id)
        )
        if len(found) != len(wanted) or len(wanted) != len(data.speakers):
            fields["speakers"] = _("Each speaker must be of this forum, and listed once.")
    if fields:
        raise InvalidSession(_("Some fields need attention."), fields=fields)


def _fields(data: msgspec.Struct) -> dict:
    return msgspec.structs.asdict(data)
