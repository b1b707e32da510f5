"""Cached public reads from memory: no query while the worker is told of changes
(core/changes.py), one build per change for any number of concurrent requests."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from forum_mgmt.core import changes
from forum_mgmt.core import time as clock
from forum_mgmt.exports.services import cache
from tests.factories import make_forum, make_room, make_session, make_speaker, make_track


@pytest.fixture
async def watching():
    """The change watcher running, as in a served process, and settled: what the test
    wrote before is announced before the reads to count."""
    await changes.start()
    for _ in range(200):  # a loaded machine may take seconds to connect
        if changes.watching():
            break
        await asyncio.sleep(0.05)
    assert changes.watching()
    yield
    await changes.stop()
    assert not changes.watching()


async def _settle() -> None:
    await asyncio.sleep(changes.POLL * 2.5)


async def _forum():
    forum = await make_forum("mem")
    room, track = await make_room(forum), await make_track(forum)
    speaker = await make_speaker(forum, "Hsu Li-wen")
    session = await make_session(forum, "Opening", room=room, track=track, speakers=[speaker])
    return forum, room, track, session


READS = [
    "/forums/mem/agenda",
    "/forums/mem/agenda.ics",
    "/forums/mem/agenda.ics?track={track}",
    "/forums/mem/agenda.ics?room={room}",
    "/forums/mem/sessions/{session}.ics",
    "/forums/mem/schedule.xml",
    "/forums/mem/schedule.json",
    "/api/forums/mem/sessions",
    "/api/forums/mem/speakers",
]


@pytest.mark.parametrize("read", READS)
async def test_a_cached_read_and_its_304_make_no_query(client, count_queries, watching, read):
    _forum_row, room, track, session = await _forum()
    await _settle()
    url = read.format(track=track.id, room=room.id, session=session.id)
    first = await client.get(url)
    assert first.status_code == 200, first.text
    count_queries.count, count_queries.queries = 0, []
    again = await client.get(url)
    assert again.status_code == 200 and again.content == first.content
    revalidated = await client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert revalidated.status_code == 304
    assert count_queries.count == 0, count_queries.queries


async def test_a_change_is_served_once_announced(client, count_queries, watching):
    from forum_mgmt.agenda import services as agenda
    from forum_mgmt.agenda.schemas import SessionPatch

    forum, _room, _track, session = await _forum()
    await _settle()
    first = await client.get("/forums/mem/schedule.json")
    await agenda.update_session(forum, session.id, SessionPatch(title="Moved opening"))
    await _settle()
    count_queries.count = 0
    changed = await client.get("/forums/mem/schedule.json")
    assert b"Moved opening" in changed.content and changed.headers["etag"] != first.headers["etag"]
    assert count_queries.count > 0  # the fingerprint read again, then the agenda
    count_queries.count = 0
    await client.get("/forums/mem/schedule.json")
    assert count_queries.count == 0


async def test_not_watching_reads_the_fingerprint_each_time(client, count_queries):
    await _forum()
    await client.get("/forums/mem/agenda.ics")
    count_queries.count = 0
    await client.get("/forums/mem/agenda.ics")
    assert count_queries.count == 2  # the forum, the fingerprint: nothing kept


async def test_twenty_concurrent_misses_build_once(client):
    await _forum()
    before = cache.builds
    answers = await asyncio.gather(*(client.get("/forums/mem/agenda.ics") for _ in range(20)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert cache.builds - before == 1


async def test_a_running_forum_rebuilds_each_minute_one_request_others_serve_the_last(
    client, monkeypatch
):
    forum, *_ = await _forum()  # on tests.factories.DAY
    noon = clock.at(forum.starts_on, dt.time(12, 0), forum.timezone)
    monkeypatch.setattr(clock, "now", lambda: noon)
    first = await client.get("/forums/mem/agenda")
    before = cache.builds
    monkeypatch.setattr(clock, "now", lambda: noon + dt.timedelta(minutes=1))
    answers = await asyncio.gather(*(client.get("/forums/mem/agenda") for _ in range(20)))
    assert {a.status_code for a in answers} == {200}
    assert cache.builds - before == 1
    # the one that rebuilt has the new minute's copy; the others had the last one meanwhile
    again = await client.get("/forums/mem/agenda")
    assert again.headers["etag"] != first.headers["etag"]
    assert {a.headers["etag"] for a in answers} <= {first.headers["etag"], again.headers["etag"]}
    assert cache.builds - before == 1


@pytest.mark.parametrize("offset", [dt.timedelta(days=-3), dt.timedelta(days=3)])
async def test_a_forum_not_running_is_rebuilt_only_on_change(client, monkeypatch, offset):
    forum, *_ = await _forum()
    noon = clock.at(forum.starts_on + offset, dt.time(12, 0), forum.timezone)
    monkeypatch.setattr(clock, "now", lambda: noon)
    first = await client.get("/forums/mem/agenda")
    before = cache.builds
    monkeypatch.setattr(clock, "now", lambda: noon + dt.timedelta(minutes=5))
    again = await client.get("/forums/mem/agenda")
    assert cache.builds == before
    assert again.headers["etag"] == first.headers["etag"]


def _same(headers) -> dict:
    return {k: v for k, v in headers.items() if k not in ("date", "set-cookie")}


@pytest.mark.parametrize("read", READS)
async def test_a_read_answered_again_before_the_middleware_is_the_same_answer(
    client, watching, monkeypatch, read
):
    _forum_row, room, track, session = await _forum()
    await _settle()
    url = read.format(track=track.id, room=room.id, session=session.id)
    for encoding in ("gzip", "identity"):
        plain = {"accept-encoding": encoding}
        first = await client.get(url, headers=plain)
        conditional = {**plain, "if-none-match": first.headers["etag"]}
        not_modified = await client.get(url, headers=conditional)
        assert not_modified.status_code == 304
    with monkeypatch.context() as patched:

        def unreachable(*_args, **_kwargs):
            raise AssertionError("the handler was reached")

        patched.setattr(cache, "cached", unreachable)
        patched.setattr(cache, "kept", unreachable)
        again = await client.get(url, headers=plain)
        assert again.status_code == 200 and again.content == first.content
        assert _same(again.headers) == _same(first.headers)
        assert "set-cookie" not in again.headers
        assert "content-security-policy" in again.headers
        revalidated = await client.get(url, headers=conditional)
        assert revalidated.status_code == 304
        assert _same(revalidated.headers) == _same(not_modified.headers)
        signed_in = await client.get(url, headers={**plain, "cookie": "session=x"})
        assert signed_in.status_code == 500  # the handler, reached: not answered again
