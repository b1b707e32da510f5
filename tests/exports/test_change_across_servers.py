"""Two real servers on one database keep the agenda's reads in memory and still serve a
change made through the other within the bound of core/changes.py (1 s); a lost listening
connection falls back to reading the database, then listens again."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from forum_mgmt.core import changes
from forum_mgmt.forums.tables import Forum, Role
from tests.exports.test_memory import _forum, _settle, watching  # noqa: F401 - the fixture
from tests.factories import at, bearer, make_user
from tests.servers import running_server

FEEDS = ("/forums/mem/agenda.ics", "/forums/mem/schedule.json")


async def test_a_change_made_through_one_server_is_served_by_the_other_within_a_second():
    forum, *_rest, session = await _forum()
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    with running_server() as one, running_server() as other:
        async with httpx.AsyncClient(timeout=10) as http:
            before = {}
            for server in (one, other):
                for feed in FEEDS:
                    for _ in range(2):  # built, then served from memory
                        answer = await http.get(server + feed)
                        assert answer.status_code == 200
                    before[server, feed] = answer.headers["etag"]
            moved = await http.patch(
                f"{one}/api/forums/mem/sessions/{session.id}",
                json={"starts_at": at("15:00"), "ends_at": at("15:45")},
                headers=bearer(token),
            )
            assert moved.status_code == 200, moved.text
            changed_at = time.monotonic()
            # both servers, the one it was made through too: each learns of it the same way
            waiting = {(server, feed) for server in (one, other) for feed in FEEDS}
            while waiting and time.monotonic() - changed_at < 1.0:
                for server, feed in list(waiting):
                    answer = await http.get(server + feed)
                    if answer.headers["etag"] != before[server, feed]:
                        assert any(t in answer.text for t in ("T070000Z", "T150000", "15:00"))
                        waiting.discard((server, feed))
                await asyncio.sleep(0.02)
            assert not waiting, f"still the old copy after 1 s: {waiting}"


async def _listener_pids() -> list[int]:
    rows = await Forum.raw(
        "SELECT pid FROM pg_stat_activity WHERE application_name = {} "
        "AND datname = current_database()",
        changes.APPLICATION,
    )
    return [r["pid"] for r in rows]


@pytest.mark.postgres
async def test_a_lost_listener_falls_back_to_the_database_then_listens_again(
    client,
    count_queries,
    watching,  # noqa: F811 - the fixture
):
    from forum_mgmt.agenda import services as agenda
    from forum_mgmt.agenda.schemas import SessionPatch

    forum, *_rest, session = await _forum()
    await _settle()
    await client.get("/forums/mem/schedule.json")
    listener = changes.listener_pid()  # this process's (other servers may listen too)
    assert listener in await _listener_pids()
    await Forum.raw("SELECT pg_terminate_backend({})", listener)
    # A change while the listener may be away is served at once all the same: either
    # nothing is kept (not listening) or everything was forgotten on reconnecting.
    await agenda.update_session(forum, session.id, SessionPatch(title="Moved while away"))
    answer = await client.get("/forums/mem/schedule.json")
    assert b"Moved while away" in answer.content
    for _ in range(60):  # back within the backoff (0.1 s first)
        await asyncio.sleep(0.1)
        back = changes.listener_pid()
        if back is not None and back != listener and back in await _listener_pids():
            break
    else:
        pytest.fail("the listener did not come back")
    await _settle()
    await client.get("/forums/mem/schedule.json")
    count_queries.count = 0
    again = await client.get("/forums/mem/schedule.json")
    assert b"Moved while away" in again.content
    assert count_queries.count == 0, count_queries.queries
