"""Writing a forum file: the forum, its agenda and registration set-up as JSON."""

from __future__ import annotations

import datetime as dt

import msgspec

from forum_mgmt.agenda.schemas import RoomIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import (
    AgendaSession,
    Room,
    SessionSpeaker,
    Speaker,
    SpeakerRole,
    Track,
)
from forum_mgmt.core import time
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.exports.schemas import (
    FORMAT,
    CategoryFile,
    ForumFile,
    ForumTransfer,
    OrganisationFile,
    QuestionFile,
    RoomFile,
    SessionFile,
    SessionSpeakerFile,
    SpeakerFile,
    TrackFile,
)
from forum_mgmt.exports.services.forum_file.fields import QUESTION_FIELDS, SESSION_FIELDS, pick
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Forum, ForumStatus
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category


async def export_forum(slug: str) -> bytes:
    """The forum with this slug (draft or published, removed sessions too) as JSON.

    With its registration set-up (categories, extra questions), but without registrations,
    tickets, check-ins or its ticket-signing key: personal data and secrets stay in the
    installation (the registrations CSV exports attendees; a database backup keeps them).
    """
    forum = await Forum.objects(Forum.organisation).where(Forum.slug == slug).first()
    if forum is None:
        raise NotFound(_("There is no forum at this address."))
    tz = forum.timezone

    def shown(instant: dt.datetime | None) -> dt.datetime | None:
        return time.local(instant, tz) if instant else None

    rooms = await Room.objects().where(Room.forum == forum.id).order_by(Room.position, Room.id)
    tracks = await Track.objects().where(Track.forum == forum.id).order_by(Track.id)
    speakers = await Speaker.objects().where(Speaker.forum == forum.id).order_by(Speaker.id)
    sessions = (
        await AgendaSession.objects()
        .where(AgendaSession.forum == forum.id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    links = (
        await SessionSpeaker.objects()
        .where(SessionSpeaker.session.forum == forum.id)
        .order_by(SessionSpeaker.position, SessionSpeaker.id)
    )
    # Read only: a forum whose categories were never used has none yet (see schemas.py).
    categories = (
        await Category.objects()
        .where(Category.forum == forum.id)
        .order_by(Category.position, Category.id)
    )
    questions = await registration.questions(forum)
    # Keys follow the order in the file, which an import keeps: a round trip is exact.
    room_key = {r.id: f"room-{i}" for i, r in enumerate(rooms, 1)}
    track_key = {t.id: f"track-{i}" for i, t in enumerate(tracks, 1)}
    speaker_key = {s.id: f"speaker-{i}" for i, s in enumerate(speakers, 1)}
    people: dict[int, list[SessionSpeakerFile]] = {s.id: [] for s in sessions}
    for link in links:
        people[link.session].append(
            SessionSpeakerFile(speaker=speaker_key[link.speaker], role=SpeakerRole(link.role))
        )
    document = ForumTransfer(
        format=FORMAT,
        version=1,
        organisation=OrganisationFile(**pick(forum.organisation, OrganisationFile)),
        forum=ForumFile(
            **pick(forum, ForumIn)
            | {
                "registration_opens_at": shown(forum.registration_opens_at),
                "registration_closes_at": shown(forum.registration_closes_at),
            },
            status=ForumStatus(forum.status),
            published_at=shown(forum.published_at),
        ),
        rooms=[RoomFile(key=room_key[r.id], uid=r.uid, **pick(r, RoomIn)) for r in rooms],
        tracks=[TrackFile(key=track_key[t.id], **pick(t, TrackIn)) for t in tracks],
        speakers=[
            SpeakerFile(key=speaker_key[s.id], uid=s.uid, **pick(s, SpeakerIn)) for s in speakers
        ],
        sessions=[
            SessionFile(
                uid=s.uid,
                **pick(s, SESSION_FIELDS),
                starts_at=time.local(s.starts_at, tz),
                ends_at=time.local(s.ends_at, tz),
                room=room_key.get(s.room),
                track=track_key.get(s.track),
                capacity=s.capacity,
                speakers=people[s.id],
                sequence=s.sequence,
                cancelled_at=shown(s.cancelled_at),
            )
            for s in sessions
        ],
        categories=[CategoryFile(**pick(c, CategoryFile)) for c in categories],
        questions=[
            QuestionFile(
                **pick(q, QUESTION_FIELDS),
                choices=q.choices.split("\n") if q.choices else [],
                choices_local=q.choices_local.split("\n") if q.choices_local else [],
                position=q.position,
            )
            for q in questions
        ],
    )
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"
