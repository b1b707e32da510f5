"""Sign-ins hold, and failures count, across several workers: the state lives in a shared store."""

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest
from litestar.stores.redis import RedisStore

from forum_mgmt.forums.tables import Role
from tests.factories import PASSWORD, make_forum, make_user
from tests.servers import running_server

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module", params=["files", "redis"])
def server(request) -> Iterator[str]:
    """Two workers on the files under the tests' data folder, or on Redis."""
    env = {"REDIS_URL": REDIS_URL} if request.param == "redis" else {"REDIS_URL": ""}
    with running_server(workers=2, env=env) as url:
        yield url


@pytest.fixture
async def redis_failures() -> None:
    """The servers' sign-in failures on Redis, which the tests' clean-up does not see."""
    redis = RedisStore.with_client(url=REDIS_URL, namespace="forum_mgmt:login-failures")
    async with redis:
        await redis.delete_all()
        yield
        await redis.delete_all()


async def _csrf(client: httpx.AsyncClient) -> str:
    form = (await client.get("/login")).text
    return re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)


async def test_healthz_reports_each_service(server, request):
    async with httpx.AsyncClient(base_url=server) as client:
        response = await client.get("/healthz")
    redis = "ok" if request.node.callspec.params["server"] == "redis" else "not_used"
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "redis": redis},
    )


async def test_a_session_is_seen_by_every_worker(server, redis_failures):
    forum = await make_forum("shared")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    async with httpx.AsyncClient(base_url=server) as client:
        token = await _csrf(client)
        signed = await client.post(
            "/login", data={"username": "org", "password": PASSWORD, "_csrf_token": token}
        )
        assert signed.status_code == 303
        statuses = []
        for _ in range(30):
            # a new connection each time, so that both workers answer some of them
            async with httpx.AsyncClient(base_url=server, cookies=client.cookies) as fresh:
                statuses.append((await fresh.get("/manage/forums/shared")).status_code)
        assert statuses == [200] * 30


async def test_parallel_guesses_across_workers_get_five_tries(server, redis_failures):
    await make_user("alice")
    async with httpx.AsyncClient(base_url=server) as client:
        token = await _csrf(client)

        async def guess(i: int) -> int:
            # one connection each: both workers take some of them
            # each hash takes seconds on a busy machine: the counts are tested, not the speed
            async with httpx.AsyncClient(
                base_url=server, cookies=client.cookies, timeout=60
            ) as fresh:
                data = {"username": "alice", "password": f"wrong-{i:02d}", "_csrf_token": token}
                return (await fresh.post("/login", data=data)).status_code

        statuses = await asyncio.gather(*(guess(i) for i in range(20)))
        assert sorted(statuses) == [401] * 5 + [429] * 15
        right = await client.post(
            "/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": token}
        )
        assert right.status_code == 429
