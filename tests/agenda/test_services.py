import datetime as dt

import pytest

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import SessionIn, SessionPatch, SessionSpeakerIn
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.core.errors import NotFound
from tests.factories import DAY, make_forum, make_room, make_session, make_speaker, make_track


async def test_agenda_lists_sessions_in_start_order_with_room_track_and_speakers():
    forum = await make_forum()
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    track = await make_track(forum)
    lin = await make_speaker(forum, "Lin Chia-lung", name_local="林佳龍")
    await make_session(forum, "Later", start="11:00", end="12:00", room=hall)
    await make_session(forum, "Side", start="09:00", end="10:00", room=side)
    await make_session(
        forum, "Opening", start="09:00", end="10:00", room=hall, track=track, speakers=[lin]
    )
    agenda = await services.load_agenda(forum)
    assert [v.session.title for v in agenda.sessions] == ["Opening", "Side", "Later"]
    opening = agenda.sessions[0]
    assert (opening.room.name, opening.track.name) == ("Hall", "Diplomacy")
    assert [(sp.name_local, role) for sp, role in opening.speakers] == [("林佳龍", "speaker")]


async def test_days_are_local_days_in_the_forums_zone():
    forum = await make_forum(ends_on=DAY + dt.timedelta(days=1))
    # 07:30 Taipei is 23:30 UTC of the day before: it must still count as DAY.
    await make_session(forum, "Early", start="07:30", end="08:00")
    await make_session(forum, "Next day", start="09:00", end="10:00", day=DAY + dt.timedelta(1))
    agenda = await services.load_agenda(forum)
    days = agenda.days(forum.timezone)
    assert [(d.date, [v.session.title for v in d.sessions]) for d in days] == [
        (DAY, ["Early"]),
        (DAY + dt.timedelta(days=1), ["Next day"]),
    ]


async def test_now_and_next_are_marked():
    forum = await make_forum()
    await make_session(forum, "Running", start="09:00", end="10:00")
    await make_session(forum, "Soon A", start="10:00", end="11:00")
    await make_session(forum, "Soon B", start="10:00", end="10:30")
    await make_session(forum, "Later", start="11:00", end="12:00")
    agenda = await services.load_agenda(forum)
    services.mark_now_and_next(
        agenda.sessions, time.at(DAY, dt.time(9, 30), forum.timezone), forum.timezone
    )
    assert {v.session.title: v.state for v in agenda.sessions} == {
        "Running": "now",
        "Soon A": "next",
        "Soon B": "next",
        "Later": "",
    }


async def test_nothing_is_next_before_the_forums_day():
    forum = await make_forum()
    await make_session(forum, "First", start="09:00", end="10:00")
    agenda = await services.load_agenda(forum)
    the_day_before = time.at(DAY - dt.timedelta(days=1), dt.time(20), forum.timezone)
    services.mark_now_and_next(agenda.sessions, the_day_before, forum.timezone)
    assert [v.state for v in agenda.sessions] == [""]


async def test_filters_by_room_track_and_language():
    forum = await make_forum()
    hall = await make_room(forum, "Hall")
    track = await make_track(forum)
    await make_session(forum, "Hall talk", room=hall, language="en")
    await make_session(forum, "Track talk", track=track, language="zh-TW")
    await make_session(forum, "Both", language="en+zh-TW")
    views = (await services.load_agenda(forum)).sessions

    def titles(**kw):
        kw = {"room": None, "track": None, "language": None, **kw}
        return sorted(v.session.title for v in services.filter_sessions(views, **kw))

    assert titles(room=hall.id) == ["Hall talk"]
    assert titles(track=track.id) == ["Track talk"]
    assert titles(language="zh-TW") == ["Both", "Track talk"]
    assert titles() == ["Both", "Hall talk", "Track talk"]


async def test_a_session_cannot_use_another_forums_room_or_speaker():
    forum, other = await make_forum(), await make_forum("other")
    foreign_room = await make_room(other)
    foreign_speaker = await make_speaker(other)
    start = time.at(DAY, dt.time(9), forum.timezone)
    data = SessionIn(
        title="Sneaky",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        room_id=foreign_room.id,
        speakers=[SessionSpeakerIn(foreign_speaker.id)],
    )
    with pytest.raises(services.InvalidSession) as err:
        await services.add_session(forum, data)
    assert set(err.value.fields) == {"room_id", "speakers"}
    assert await AgendaSession.count() == 0


async def test_clashes_never_look_at_another_forums_room():
    forum, other = await make_forum(), await make_forum("other")
    foreign_room = await make_room(other, "Secret Hall", capacity=2)
    own_room = await make_room(forum, "Hall", capacity=2)
    start = time.at(DAY, dt.time(9), forum.timezone)
    planned = {"starts_at": start, "ends_at": start + dt.timedelta(hours=1), "speaker_ids": []}
    foreign = await services.find_clashes(
        forum, room_id=foreign_room.id, capacity=50, booked=3, **planned
    )
    assert foreign == []
    own = await services.find_clashes(forum, room_id=own_room.id, capacity=50, **planned)
    assert own == [services.Clash("capacity", "50 places are planned, but Hall holds 2.", None)]


async def test_the_preview_says_what_saving_would_refuse_then_the_clashes():
    forum, other = await make_forum(), await make_forum("other")
    foreign_room = await make_room(other, "Secret Hall")
    hall = await make_room(forum, "Hall")
    await make_session(forum, "Existing", room=hall, start="09:00", end="10:00")
    start = time.at(DAY, dt.time(9, 30), forum.timezone)
    hour = dt.timedelta(hours=1)
    backwards = SessionPatch(starts_at=start, ends_at=start - hour, room_id=foreign_room.id)
    assert await services.preview_session(forum, backwards) == [
        services.Clash("invalid", "A session must end after it starts.", None),
        services.Clash("invalid", "No such room in this forum.", None),
    ]
    clashing = SessionPatch(starts_at=start, ends_at=start + hour, room_id=hall.id)
    [clash] = await services.preview_session(forum, clashing)
    assert (clash.kind, clash.message) == (
        "room",
        "The room is already used by “Existing” at that time.",
    )
    theirs = await make_session(other, "Elsewhere")
    with pytest.raises(NotFound):
        await services.preview_session(forum, clashing, session_id=theirs.id)


async def test_a_session_needs_times_with_an_offset_and_in_order():
    forum = await make_forum()
    naive = dt.datetime.combine(DAY, dt.time(9))  # the bad input under test: no zone
    with pytest.raises(services.InvalidSession) as err:
        await services.add_session(
            forum, SessionIn(title="x", starts_at=naive, ends_at=naive + dt.timedelta(hours=1))
        )
    assert set(err.value.fields) == {"starts_at", "ends_at"}
    start = time.at(DAY, dt.time(9), forum.timezone)
    with pytest.raises(services.InvalidSession) as err:
        await services.add_session(forum, SessionIn(title="x", starts_at=start, ends_at=start))
    assert set(err.value.fields) == {"ends_at"}


async def test_a_session_of_another_forum_is_not_found():
    forum, other = await make_forum(), await make_forum("other")
    session = await make_session(other)
    with pytest.raises(NotFound):
        await services.get_session(forum, session.id)
