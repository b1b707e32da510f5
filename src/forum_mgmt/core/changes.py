"""How a worker learns that a forum's public agenda changed, so that it may keep what it
read of it (the forum's row, the agenda's fingerprint) in memory between requests.

What a worker keeps is valid until it is told of a change:

- On PostgreSQL, triggers on the tables the public agenda reads (forums_0013) call
  `pg_notify('forum_mgmt_agenda', <forum id>)`. NOTIFY is transactional: it is delivered
  when the change commits, to every connection LISTENing on the database, so to every
  worker of every host sharing it. Each worker holds one dedicated connection that
  listens; a notification forgets that forum (or everything, for a payload that is no
  id). Staleness: the time a notification takes to arrive, a few milliseconds.
- On SQLite (one host), each worker asks its own connection `PRAGMA data_version` every
  0.5 s, which moves when any other connection committed a write; then it forgets
  everything, and the next request reads the fingerprint once again (a changed agenda
  builds anew, an unchanged one keeps its copy). Staleness: at most 0.5 s plus one poll.

So a cached public read is at most 1 s behind a committed change. While the listener is
not connected (before start, after a lost connection, until it is back) nothing is kept:
each request reads the database as if there were no memory, so a lost connection never
serves a stale agenda. A silent network failure (no reset) is found by a ping every
`PING` seconds that must answer within `PING_TIMEOUT` (a worker at full load, with the
database on the same cores, was seen taking over 2 s); on reconnecting everything is
forgotten. So, across a network that fails silently, the bound is PING + PING_TIMEOUT.

`snapshot()` before reading the database and `keep(snapshot)` after it tell whether what
was read may be kept: not when a change was announced in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable

from forum_mgmt.core import background, db

log = logging.getLogger("forum_mgmt.changes")

CHANNEL = "forum_mgmt_agenda"
APPLICATION = "forum_mgmt_changes"  # the listening connection's name in pg_stat_activity
POLL = 0.5  # seconds between two SQLite polls
PING = 2.0  # seconds between two pings of the listening connection
PING_TIMEOUT = 8.0  # seconds a ping may take before the connection is given up
BACKOFF = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds before each new attempt to connect

_forget: list[Callable[[int | None], None]] = []
_generation = 0
_watching = False
_task: asyncio.Task | None = None


def on_change(forget: Callable[[int | None], None]) -> None:
    """Call `forget(forum_id)` on each change of a forum, `forget(None)` to forget all."""
    _forget.append(forget)


def changed(forum_id: int | None = None) -> None:
    global _generation
    _generation += 1
    for forget in _forget:
        forget(forum_id)


def watching() -> bool:
    return _watching


def snapshot() -> int | None:
    """Before reading what is to be kept: None when nothing may be kept."""
    return _generation if _watching else None


def keep(snap: int | None) -> bool:
    """After reading: whether no change was announced since `snap`, so it may be kept."""
    return snap is not None and _watching and snap == _generation


def _set_watching(on: bool) -> None:
    global _watching
    _watching = on
    changed(None)  # what was kept before (or while) not listening may be stale


async def start() -> None:
    """Listen in this process (on_startup)."""
    global _task
    if _task is None:
        watch = _listen if db.is_postgres() else _poll
        _task = asyncio.create_task(watch())


async def stop() -> None:
    global _task
    await background.stop(_task)
    _task = None
    if _watching:
        _set_watching(False)


def _on_notify(_connection, _pid, _channel, payload: str) -> None:
    changed(int(payload) if payload.isdigit() else None)


_backend: int | None = None  # the listening connection's server process, for operators


def listener_pid() -> int | None:
    """The PostgreSQL backend pid of this process's listening connection (pg_stat_activity),
    None while not listening."""
    return _backend if _watching else None


async def _listen() -> None:
    """One connection LISTENing, reconnected with backoff while the database is away."""
    import asyncpg  # type: ignore[import-untyped]

    config = db.engine().config  # type: ignore[attr-defined]
    attempt = 0
    while True:
        connection = None
        try:
            connection = await asyncpg.connect(
                **config, server_settings={"application_name": APPLICATION}
            )
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _c, done=lost: done.set())
            await connection.add_listener(CHANNEL, _on_notify)
            global _backend
            _backend = connection.get_server_pid()
            _set_watching(True)
            attempt = 0
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PING)
                if not lost.is_set():
                    await connection.fetchval("SELECT 1", timeout=PING_TIMEOUT)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("agenda change listener: %r", exc)
        finally:
            if _watching:
                _set_watching(False)
            if connection is not None and not connection.is_closed():
                connection.terminate()
        await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
        attempt += 1


async def _poll() -> None:
    """SQLite: forget everything whenever another connection committed a write."""
    path = db.engine().path  # type: ignore[attr-defined]
    connection = None
    try:
        while True:
            try:
                if connection is None:
                    connection = sqlite3.connect(path, check_same_thread=False)
                    seen = await asyncio.to_thread(_data_version, connection)
                    _set_watching(True)
                version = await asyncio.to_thread(_data_version, connection)
                if version != seen:
                    seen = version
                    changed(None)
            except sqlite3.Error as exc:
                log.warning("agenda change poll: %s", exc)
                if _watching:
                    _set_watching(False)
                if connection is not None:
                    connection.close()
                connection = None
            await asyncio.sleep(POLL)
    finally:
        if connection is not None:
            connection.close()


def _data_version(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA data_version").fetchone()[0]
