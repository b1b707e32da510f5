"""Key-value stores for state several workers share: sessions, sign-in throttling.

Redis when REDIS_URL is set (several hosts or workers); otherwise files under the data
folder, which every worker on one host sees (memory would give each worker its own).

`take()` and `give_back()` are counters with a ceiling, atomic across workers: a Lua script
on Redis, an exclusive `flock` beside the file store's folder otherwise. A read, then a
write, would let parallel requests all see room under the ceiling.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore

from forum_mgmt.core.settings import get_settings


@cache
def get_store(name: str) -> Store:
    settings = get_settings()
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace=f"forum_mgmt:{name}")
    path = settings.data_dir / "stores" / name
    path.mkdir(parents=True, exist_ok=True)
    return FileStore(path=path, create_directories=True)


# KEYS[1] the counter; ARGV[1] the ceiling, ARGV[2] seconds to keep it after this take.
_TAKE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[2])
return 1
"""
# Never revives a counter that expired meanwhile, and keeps its expiry.
_GIVE_BACK = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 1 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], n - 1, 'KEEPTTL')
return n - 1
"""


async def take(store: Store, key: str, *, limit: int, expires_in: int) -> bool:
    """Add one to the counter `key` unless it has reached `limit`; True when added. The
    counter is forgotten `expires_in` seconds after its last successful take."""
    if isinstance(store, RedisStore):
        return bool(await _script(store, _TAKE, key, limit, expires_in))
    async with _locked(store):
        count = int(await store.get(key) or 0)
        if count >= limit:
            return False
        await store.set(key, str(count + 1), expires_in=expires_in)
        return True


async def give_back(store: Store, key: str) -> None:
    """Subtract one from the counter `key` (a take that turned out not to count)."""
    if isinstance(store, RedisStore):
        await _script(store, _GIVE_BACK, key)
        return
    async with _locked(store):
        count = int(await store.get(key) or 0)
        left = await store.expires_in(key)
        if count <= 1 or not left:
            await store.delete(key)
        else:
            await store.set(key, str(count - 1), expires_in=left)


async def _script(store: RedisStore, source: str, key: str, *args: int) -> int:
    # Litestar's RedisStore keeps its client and key prefix private; its own Lua scripts
    # use them the same way.
    client, full_key = store._redis, store._make_key(key)
    return int(await client.eval(source, 1, full_key, *args))  # type: ignore[misc]


@asynccontextmanager
async def _locked(store: Store) -> AsyncIterator[None]:
    """Exclusive use of a file store by one coroutine of one worker on this host."""
    if not isinstance(store, FileStore):
        raise TypeError(f"no shared counters in a {type(store).__name__}")
    # Beside the folder, which FileStore.delete_all() removes and creates again.
    fd = os.open(f"{store.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # flock conflicts between two open() of the file even in one process; never block
        # the event loop waiting: the holder needs only a read and a write.
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.002)
        yield
    finally:
        os.close(fd)  # releases the lock
