"""A sign-in holds across several workers: the session lives in a shared store."""

import re

import httpx
import pytest

from forum_mgmt.forums.tables import Role
from tests.factories import PASSWORD, make_forum, make_user
from tests.servers import running_server


@pytest.mark.parametrize("store", ["files", "redis"])
async def test_a_session_is_seen_by_every_worker(database, store):
    forum = await make_forum("shared")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15"} if store == "redis" else {"REDIS_URL": ""}
    with running_server(workers=2, env=env) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            form = (await client.get("/login")).text
            token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
            signed = await client.post(
                "/login", data={"username": "org", "password": PASSWORD, "_csrf_token": token}
            )
            assert signed.status_code == 303
            statuses = []
            for _ in range(30):
                # a new connection each time, so that both workers answer some of them
                async with httpx.AsyncClient(base_url=url, cookies=client.cookies) as fresh:
                    statuses.append((await fresh.get("/manage/forums/shared")).status_code)
            assert statuses == [200] * 30
