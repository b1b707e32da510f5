"""The demo forum ships as a forum file (demo/ngo-leaders-forum-2026.json) and is moved to
the demo's day as it loads: whole days, the same wall-clock times in the forum's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import msgspec

from forum_mgmt import demo
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.exports.schemas import ForumTransfer
from tests.factories import DAY

REAL_DAY = dt.date(2026, 1, 7)


def _file() -> ForumTransfer:
    return msgspec.json.decode(demo.FILE.read_bytes(), type=ForumTransfer)


def test_the_demo_file_is_a_forum_file_on_the_real_day_without_uids():
    doc = _file()
    assert (doc.forum.slug, doc.forum.starts_on, doc.forum.ends_on) == (
        demo.SLUG,
        REAL_DAY,
        REAL_DAY,
    )
    assert (doc.forum.timezone, doc.forum.published_at) == (demo.TZ, None)
    assert [i.uid for i in (*doc.rooms, *doc.speakers, *doc.sessions)] == [None] * (
        len(doc.rooms) + len(doc.speakers) + len(doc.sessions)
    )


async def test_loading_moves_every_session_to_the_day_at_its_taipei_time():
    forum, created = await demo.load(DAY)
    assert created
    assert (forum.starts_on, forum.ends_on) == (DAY, DAY)
    wanted = sorted(
        (s.title, time.local(s.starts_at, demo.TZ).time(), time.local(s.ends_at, demo.TZ).time())
        for s in _file().sessions
    )
    rows = await AgendaSession.select(
        AgendaSession.title, AgendaSession.starts_at, AgendaSession.ends_at
    )
    got = sorted(
        (r["title"], time.local(r["starts_at"], demo.TZ), time.local(r["ends_at"], demo.TZ))
        for r in rows
    )
    assert [(title, a.date(), b.date()) for title, a, b in got] == [
        (title, DAY, DAY) for title, _start, _end in wanted
    ]
    assert [(title, a.time(), b.time()) for title, a, b in got] == wanted


def test_moving_keeps_the_wall_clock_when_the_zone_changes_its_offset():
    berlin = ZoneInfo("Europe/Berlin")
    doc = _file()
    session = msgspec.structs.replace(
        doc.sessions[0],
        starts_at=dt.datetime(2026, 1, 7, 9, 0, tzinfo=berlin),
        ends_at=dt.datetime(2026, 1, 7, 10, 30, tzinfo=berlin),
        cancelled_at=dt.datetime(2026, 1, 5, 18, 0, tzinfo=berlin),
    )
    forum = msgspec.structs.replace(
        doc.forum,
        timezone="Europe/Berlin",
        registration_closes_at=dt.datetime(2026, 1, 6, 23, 0, tzinfo=berlin),
    )
    doc = msgspec.structs.replace(doc, forum=forum, sessions=[session])
    moved = demo.moved_to(doc, dt.date(2026, 7, 7))  # summer time: UTC+2, not UTC+1
    utc = dt.UTC
    assert (moved.forum.starts_on, moved.forum.ends_on) == (dt.date(2026, 7, 7),) * 2
    assert moved.forum.registration_closes_at == dt.datetime(2026, 7, 6, 21, 0, tzinfo=utc)
    assert moved.forum.registration_opens_at is None
    (s,) = moved.sessions
    assert (s.starts_at, s.ends_at, s.cancelled_at) == (
        dt.datetime(2026, 7, 7, 7, 0, tzinfo=utc),
        dt.datetime(2026, 7, 7, 8, 30, tzinfo=utc),
        dt.datetime(2026, 7, 5, 16, 0, tzinfo=utc),
    )
