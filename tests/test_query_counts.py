"""Each public page costs the same number of queries for a small and a larger forum."""

import pytest

from tests.factories import make_forum, make_room, make_session, make_speaker, make_track


async def _forum_with(n: int):
    forum = await make_forum(f"f{n}")
    room = await make_room(forum)
    track = await make_track(forum)
    sessions, speakers = [], []
    for i in range(n):
        sp = await make_speaker(forum, f"Speaker {i}")
        speakers.append(sp)
        hour = 8 + i
        sessions.append(
            await make_session(
                forum,
                f"Talk {i}",
                start=f"{hour:02d}:00",
                end=f"{hour:02d}:45",
                room=room,
                track=track,
                speakers=[sp],
            )
        )
    return forum, sessions, speakers


PAGES = [
    "/",
    "/forums/{slug}",
    "/forums/{slug}/agenda",
    "/forums/{slug}/sessions/{session}",
    "/forums/{slug}/speakers",
    "/forums/{slug}/speakers/{speaker}",
    "/api/forums",
    "/api/forums/{slug}",
    "/api/forums/{slug}/sessions",
    "/api/forums/{slug}/speakers",
]


@pytest.mark.parametrize("page", PAGES)
async def test_page_query_count_does_not_grow_with_the_forum(client, count_queries, page):
    counts = []
    for n in (1, 3):
        forum, sessions, speakers = await _forum_with(n)
        url = page.format(slug=forum.slug, session=sessions[0].id, speaker=speakers[0].id)
        count_queries.count = 0
        response = await client.get(url)
        assert response.status_code == 200, url
        counts.append(count_queries.count)
    assert counts[0] == counts[1], count_queries.queries
    assert counts[0] <= 6


WORKSPACE = [
    "/manage",
    "/manage/forums/{slug}",
    "/manage/forums/{slug}/agenda",
    "/manage/forums/{slug}/sessions",
    "/manage/forums/{slug}/sessions/{session}",
    "/manage/forums/{slug}/speakers",
    "/manage/forums/{slug}/rooms",
    "/manage/forums/{slug}/changes",
]


@pytest.mark.parametrize("page", WORKSPACE)
async def test_workspace_query_count_does_not_grow_with_the_forum(client, count_queries, page):
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.tables import Role
    from tests.conftest import sign_in
    from tests.factories import make_user

    user, _token = await make_user("org")
    await sign_in(client, "org")
    counts = []
    for n in (1, 3):
        forum, sessions, _speakers = await _forum_with(n)
        await forums.grant(forum, user, Role.ORGANIZER)
        count_queries.count = 0
        url = page.format(slug=forum.slug, session=sessions[0].id)
        response = await client.get(url)
        assert response.status_code == 200, url
        counts.append(count_queries.count)
    assert counts[0] == counts[1], count_queries.queries
