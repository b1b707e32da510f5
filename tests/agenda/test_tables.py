"""Rules the database itself enforces, whatever code writes to it."""

import datetime as dt

import pytest

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum
from tests.factories import DAY, make_forum, make_room, make_session, make_speaker


def _integrity_errors():
    import sqlite3

    import asyncpg

    return (sqlite3.IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError)


async def test_session_must_end_after_it_starts():
    forum = await make_forum()
    start = time.at(DAY, dt.time(9), "Asia/Taipei")
    bad = AgendaSession(forum=forum.id, title="Backwards", starts_at=start, ends_at=start)
    with pytest.raises(_integrity_errors()):
        await bad.save()
    assert await AgendaSession.count() == 0


async def test_session_end_cannot_be_moved_before_start():
    forum = await make_forum()
    session = await make_session(forum)
    with pytest.raises(_integrity_errors()):
        await AgendaSession.update({AgendaSession.ends_at: session.starts_at}).where(
            AgendaSession.id == session.id
        )
    row = await AgendaSession.select(AgendaSession.ends_at).first()
    assert row["ends_at"] == session.ends_at


async def test_deleting_a_room_with_sessions_is_refused():
    forum = await make_forum()
    room = await make_room(forum)
    await make_session(forum, room=room)
    with pytest.raises(_integrity_errors()):
        await Room.delete().where(Room.id == room.id)
    assert await Room.count() == 1


async def test_deleting_an_empty_room_works():
    forum = await make_forum()
    room = await make_room(forum)
    await Room.delete().where(Room.id == room.id)
    assert await Room.count() == 0


async def test_forum_slug_is_unique_in_the_database():
    forum = await make_forum("one")
    clone = Forum(
        organisation=forum.organisation,
        slug="one",
        name="Clone",
        starts_on=forum.starts_on,
        ends_on=forum.ends_on,
    )
    with pytest.raises(_integrity_errors()):
        await clone.save()


async def test_forum_cannot_end_before_it_starts():
    forum = await make_forum()
    with pytest.raises(_integrity_errors()):
        await Forum.update({Forum.ends_on: DAY - dt.timedelta(days=1)}).where(Forum.id == forum.id)


async def test_unknown_status_and_kind_are_refused():
    forum = await make_forum()
    with pytest.raises(_integrity_errors()):
        await Forum.update({Forum.status: "archived"}).where(Forum.id == forum.id)
    session = await make_session(forum)
    with pytest.raises(_integrity_errors()):
        await AgendaSession.update({AgendaSession.kind: "party"}).where(
            AgendaSession.id == session.id
        )


async def test_room_and_track_names_are_unique_per_forum():
    forum = await make_forum()
    other = await make_forum("other")
    await make_room(forum, "Hall")
    await make_room(other, "Hall")  # another forum may reuse the name
    with pytest.raises(_integrity_errors()):
        await Room(forum=forum.id, name="Hall").save()
    await Track(forum=forum.id, name="Diplomacy").save()
    with pytest.raises(_integrity_errors()):
        await Track(forum=forum.id, name="Diplomacy").save()


async def test_speaker_is_on_a_session_once():
    forum = await make_forum()
    speaker = await make_speaker(forum)
    session = await make_session(forum, speakers=[speaker])
    with pytest.raises(_integrity_errors()):
        await SessionSpeaker(session=session.id, speaker=speaker.id, role="moderator").save()


async def test_deleting_a_speaker_takes_them_off_their_sessions_only():
    forum = await make_forum()
    speaker = await make_speaker(forum)
    await make_session(forum, speakers=[speaker])
    await Speaker.delete().where(Speaker.id == speaker.id)
    assert (await AgendaSession.count(), await SessionSpeaker.count()) == (1, 0)


async def test_deleting_a_forum_removes_its_whole_agenda():
    forum = await make_forum()
    room = await make_room(forum)
    speaker = await make_speaker(forum)
    await make_session(forum, room=room, speakers=[speaker])
    await Forum.delete().where(Forum.id == forum.id)
    counts = [await t.count() for t in (Room, Speaker, AgendaSession, SessionSpeaker)]
    assert counts == [0, 0, 0, 0]
