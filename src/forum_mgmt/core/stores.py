"""Key-value stores for state several workers share: sessions, sign-in throttling.

Redis when REDIS_URL is set (several hosts or workers); otherwise files under the data
folder, which every worker on one host sees (memory would give each worker its own).

`take()` and `give_back()` are counters with a ceiling, atomic across workers: a Lua script
on Redis, an exclusive `flock` beside the file store's folder otherwise. A read, then a
write, would let parallel requests all see room under the ceiling.

A store that cannot be reached (Redis down) raises `StoreUnavailable`, a 503 with a message
a person understands, from `take()`, `give_back()` and whatever runs inside `reachable()`.
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
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings

# What a store raises when it cannot be reached: Redis refused or silent, a disk failing.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class StoreUnavailable(DomainError):
    status_code, code = 503, "unavailable"


def unavailable() -> StoreUnavailable:
    return StoreUnavailable(
        _("Sign-in is unavailable for a moment. Please try again in a few minutes.")
    )


@asynccontextmanager
async def reachable() -> AsyncIterator[None]:
    """Turns a store that cannot be reached into StoreUnavailable (a 503), never a 500."""
    try:
        yield
    except UNREACHABLE as err:
        raise unavailable() from err


@cache
def get_store(name: str) -> Store:
    settings = get_settings()
    if settings.redis_url:
        # Timeouts: a Redis host that stops answering must give a 503 in seconds, not hang.
        client = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
        return RedisStore(client, namespace=f"forum_mgmt:{name}", handle_client_shutdown=True)
    path = settings.data_dir / "stores" / name
    path.mkdir(parents=True, exist_ok=True)
    return FileStore(path=path, create_directories=True)


# KEYS[1] the counter; ARGV[1] the ceiling, ARGV[2] seconds to keep it after this take.
_TAKE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], n + 1, 'EX', ARGV[2])
return n + 1
"""
# Never revives a counter that expired meanwhile, and keeps its expiry.
_GIVE_BACK = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 1 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], n - 1, 'KEEPTTL')
return n - 1
"""


async def take(store: Store, key: str, *, limit: int, expires_in: int) -> int:
    """Add one to the counter `key` unless it has reached `limit`: the count after adding,
    or 0 when refused. The counter is forgotten `expires_in` seconds after its last take."""
    async with reachable():
        if isinstance(store, RedisStore):
            return await _script(store, _TAKE, key, limit, expires_in)
        async with _locked(store):
            count = int(await store.get(key) or 0)
            if count >= limit:
                return 0
            await store.set(key, str(count + 1), expires_in=expires_in)
            return count + 1


async def count(store: Store, key: str) -> int:
    """The counter `key` as it stands (0 when forgotten)."""
    async with reachable():
        return int(await store.get(key) or 0)


async def give_back(store: Store, key: str) -> None:
    """Subtract one from the counter `key` (a take that turned out not to count)."""
    async with reachable():
        await _give_back(store, key)


async def _give_back(store: Store, key: str) -> None:
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
    return int(await client.eval(source, 1, full_key, *args))


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


async def ping(store: Store) -> bool:
    """Whether the store answers; a Redis that does not answer within 2 s is down."""
    if isinstance(store, RedisStore):
        try:
            return bool(await asyncio.wait_for(store._redis.ping(), timeout=2))
        except UNREACHABLE:  # TimeoutError is an OSError
            return False
    return True
