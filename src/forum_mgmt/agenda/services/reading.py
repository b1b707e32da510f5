"""Reading a forum's agenda: rooms, tracks, speakers and sessions.

Every read costs a fixed number of queries whatever the forum's size: a forum's rooms,
tracks, sessions and session-speaker links are each one query, joined here in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


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


async def load_agenda(forum: Forum, *, include_cancelled: bool = False) -> Agenda:
    """A forum's agenda in start order, in four queries; removed sessions only if asked."""
    rooms = await Room.objects().where(Room.forum == forum.id).order_by(Room.position, Room.id)
    tracks = await Track.objects().where(Track.forum == forum.id).order_by(Track.name)
    query = AgendaSession.objects().where(AgendaSession.forum == forum.id)
    if not include_cancelled:
        query = query.where(AgendaSession.cancelled_at.is_null())
    sessions = await query.order_by(AgendaSession.starts_at, AgendaSession.id)
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
        .where(
            (AgendaSession.id == session_id)
            & (AgendaSession.forum == forum.id)
            & AgendaSession.cancelled_at.is_null()
        )
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


def track_stylesheet(tracks: list[Track]) -> str:
    """Track colours as CSS classes, so that pages carry no inline style."""
    return "".join(f".track-{t.id}{{--track:{t.color}}}\n" for t in tracks)


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
