import datetime as dt

import pytest

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import RoomPatch, SessionPatch, SpeakerPatch, TrackPatch
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict, NotFound
from tests.factories import DAY, make_forum, make_room, make_session, make_speaker, make_track


async def test_update_session_changes_only_the_given_fields_and_moves_the_sequence():
    forum = await make_forum()
    room = await make_room(forum)
    session = await make_session(forum, "Before", room=room, abstract="Kept")
    new_start = time.at(DAY, dt.time(14), forum.timezone)
    updated = await services.update_session(
        forum,
        session.id,
        SessionPatch(title="After", starts_at=new_start, ends_at=new_start + dt.timedelta(hours=1)),
    )
    row = await AgendaSession.objects().where(AgendaSession.id == session.id).first()
    assert (row.title, row.abstract, row.room, row.starts_at) == (
        "After",
        "Kept",
        room.id,
        new_start,
    )
    assert row.sequence == session.sequence + 1 == updated.sequence
    assert row.updated_at > session.updated_at


async def test_update_session_replaces_speakers_and_can_clear_the_room():
    forum = await make_forum()
    room = await make_room(forum)
    a, b = await make_speaker(forum, "A"), await make_speaker(forum, "B")
    session = await make_session(forum, room=room, speakers=[a])
    await services.update_session(
        forum, session.id, SessionPatch(speaker_ids=[b.id, a.id], room_id=None)
    )
    links = await SessionSpeaker.select(SessionSpeaker.speaker).order_by(SessionSpeaker.position)
    assert [r["speaker"] for r in links] == [b.id, a.id]
    assert (await AgendaSession.objects().first()).room is None


async def test_update_session_refuses_end_before_start_and_writes_nothing():
    forum = await make_forum()
    session = await make_session(forum, start="09:00", end="10:00")
    with pytest.raises(services.InvalidSession) as err:
        await services.update_session(
            forum, session.id, SessionPatch(ends_at=time.at(DAY, dt.time(8), forum.timezone))
        )
    assert set(err.value.fields) == {"ends_at"}
    row = await AgendaSession.objects().first()
    assert (row.ends_at, row.sequence) == (session.ends_at, session.sequence)


async def test_removed_session_is_kept_cancelled_and_hidden_from_the_agenda():
    forum = await make_forum()
    session = await make_session(forum, "Gone")
    await make_session(forum, "Stays", start="11:00", end="12:00")
    await services.remove_session(forum, session.id)
    public = await services.load_agenda(forum)
    assert [v.session.title for v in public.sessions] == ["Stays"]
    everything = await services.load_agenda(forum, include_cancelled=True)
    gone = next(v.session for v in everything.sessions if v.session.title == "Gone")
    assert gone.cancelled_at is not None and gone.sequence == session.sequence + 1
    with pytest.raises(NotFound):
        await services.get_session(forum, session.id)
    with pytest.raises(NotFound):
        await services.remove_session(forum, session.id)


async def test_a_room_with_sessions_cannot_be_deleted():
    forum = await make_forum()
    room = await make_room(forum)
    await make_session(forum, room=room)
    with pytest.raises(Conflict):
        await services.delete_room(forum, room.id)
    assert await Room.count() == 1


async def test_a_room_with_only_removed_sessions_can_be_deleted():
    forum = await make_forum()
    room = await make_room(forum)
    session = await make_session(forum, room=room)
    await services.remove_session(forum, session.id)
    await services.delete_room(forum, room.id)
    assert await Room.count() == 0
    assert (await AgendaSession.objects().first()).room is None


async def test_deleting_a_track_or_speaker_keeps_their_sessions_and_bumps_them():
    forum = await make_forum()
    track = await make_track(forum)
    speaker = await make_speaker(forum)
    session = await make_session(forum, track=track, speakers=[speaker])
    await services.delete_track(forum, track.id)
    await services.delete_speaker(forum, speaker.id)
    row = await AgendaSession.objects().first()
    assert (row.track, row.sequence) == (None, session.sequence + 2)
    assert await SessionSpeaker.count() == 0


async def test_renaming_a_speaker_bumps_their_sessions():
    forum = await make_forum()
    speaker = await make_speaker(forum, "Old Name")
    session = await make_session(forum, speakers=[speaker])
    await services.update_speaker(forum, speaker.id, SpeakerPatch(name="New Name"))
    assert (await AgendaSession.objects().first()).sequence == session.sequence + 1


async def test_names_of_rooms_and_tracks_are_unique_per_forum_with_a_clear_error():
    forum = await make_forum()
    await make_room(forum, "Hall")
    room = await make_room(forum, "Side")
    with pytest.raises(services.InvalidAgendaItem) as err:
        await services.update_room(forum, room.id, RoomPatch(name="Hall"))
    assert set(err.value.fields) == {"name"}
    track = await make_track(forum, "T1")
    updated = await services.update_track(forum, track.id, TrackPatch(color="#abcdef"))
    assert (await Track.objects().first()).color == updated.color == "#abcdef"


async def test_items_of_another_forum_are_not_found():
    forum, other = await make_forum(), await make_forum("other")
    room = await make_room(other)
    session = await make_session(other)
    with pytest.raises(NotFound):
        await services.update_room(forum, room.id, RoomPatch(capacity=3))
    with pytest.raises(NotFound):
        await services.update_session(forum, session.id, SessionPatch(title="x"))
    with pytest.raises(NotFound):
        await services.delete_room(forum, room.id)


async def test_editing_a_room_track_or_speaker_bumps_their_sessions_only():
    forum = await make_forum()
    room, other_room = await make_room(forum, "Hall"), await make_room(forum, "Side")
    track = await make_track(forum)
    speaker = await make_speaker(forum)
    session = await make_session(forum, room=room, track=track, speakers=[speaker])
    elsewhere = await make_session(forum, "Elsewhere", room=other_room)
    await services.update_room(forum, room.id, RoomPatch(name="Grand Hall"))
    await services.update_track(forum, track.id, TrackPatch(color="#000000"))
    await services.update_speaker(forum, speaker.id, SpeakerPatch(bio="New bio"))
    rows = {r.id: r for r in await AgendaSession.objects()}
    assert rows[session.id].sequence == session.sequence + 3
    assert rows[session.id].updated_at > session.updated_at
    assert rows[elsewhere.id].sequence == elsewhere.sequence
