"""The counters behind sign-in throttling: atomic on the file store and on Redis."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore

from forum_mgmt.core import stores

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["files", "redis"])
async def store(request, tmp_path) -> AsyncIterator[Store]:
    if request.param == "files":
        yield FileStore(tmp_path / "counters", create_directories=True)
        return
    redis = RedisStore.with_client(url=REDIS_URL, namespace="forum_mgmt_test:counters")
    async with redis:  # closes the client afterwards
        await redis.delete_all()
        yield redis
        await redis.delete_all()


async def test_parallel_takes_never_pass_the_limit(store):
    taken = await asyncio.gather(
        *(stores.take(store, "user:alice", limit=5, expires_in=60) for _ in range(40))
    )
    assert sorted(taken) == [0] * 35 + [1, 2, 3, 4, 5]  # refused, or the count after
    assert await store.get("user:alice") == b"5"
    await stores.give_back(store, "user:alice")
    assert await store.get("user:alice") == b"4"
    assert 55 <= await store.expires_in("user:alice") <= 60  # giving back keeps the window
    assert await stores.take(store, "user:alice", limit=5, expires_in=60)
    assert not await stores.take(store, "user:alice", limit=5, expires_in=60)


async def test_giving_back_never_revives_a_forgotten_counter(store):
    await stores.give_back(store, "addr:10.0.0.1")
    assert await store.get("addr:10.0.0.1") is None
    assert await stores.take(store, "addr:10.0.0.1", limit=5, expires_in=60)
    await stores.give_back(store, "addr:10.0.0.1")
    assert await store.get("addr:10.0.0.1") is None


async def test_a_counter_is_forgotten_when_its_window_ends(store):
    for _ in range(2):
        assert await stores.take(store, "user:bob", limit=2, expires_in=1)
    assert not await stores.take(store, "user:bob", limit=2, expires_in=1)
    await asyncio.sleep(1.1)
    assert await store.get("user:bob") is None
    assert await stores.take(store, "user:bob", limit=2, expires_in=1)
