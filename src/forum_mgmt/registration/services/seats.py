"""Seat counters and registration windows.

Every seat is taken by one conditional `UPDATE counter SET taken = taken + 1 WHERE key = ?
AND taken < limit RETURNING`, inside the transaction that writes the registration: the row
lock (PostgreSQL) or the write lock (SQLite, IMMEDIATE) makes the check and the write one
step, so a rush can never overbook. Locks are always taken in the same order (forum, then
the category's pool, then the registration's row, then workshops) so that transactions never
wait on each other in a circle.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import weakref

from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum, ForumStatus
from forum_mgmt.registration import queries
from forum_mgmt.registration.tables import Category, Counter

# Sign-ups of one forum that a worker lets into their seat transaction at once. A rush
# queues for the forum's counter rows whatever we do; waiting here, before a connection and
# a transaction are taken, is cheaper than waiting in PostgreSQL's lock queue, where the
# lock's holder must also wait for its busy worker between statements: 5,000 sign-ups from
# 64 clients went from ~470/s to ~630/s (docs/performance.md). Other forums are not held up.
GATE = 2
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


def gate(forum_id: int) -> asyncio.Semaphore:
    """This worker's turnstile in front of a forum's seat transactions (per event loop)."""
    forums = _gates.setdefault(asyncio.get_running_loop(), {})
    if (found := forums.get(forum_id)) is None:
        found = forums[forum_id] = asyncio.Semaphore(GATE)
    return found


def forum_key(forum_id: int) -> str:
    return f"forum:{forum_id}"


def waitlist_key(forum_id: int) -> str:
    return f"waitlist:{forum_id}"


def session_key(session_id: int) -> str:
    return f"session:{session_id}"


def pool(forum: Forum, category: Category, categories: list[Category]) -> tuple[str, int]:
    """The pool a category's seats come from: its own quota, or the seats nobody holds."""
    if category.quota:
        return f"category:{category.id}", category.quota
    if not forum.capacity:
        return f"shared:{forum.id}", 0
    held = sum(c.quota for c in categories)
    return f"shared:{forum.id}", max(forum.capacity - held, 0) or -1


async def ensure(*keys: str) -> None:
    """The counter rows exist (outside the seat transaction; a no-op when they do)."""
    await Counter.insert(*[Counter(key=k, taken=0) for k in keys]).on_conflict(
        target=Counter.key, action="DO NOTHING"
    )


async def take(key: str, limit: int) -> bool:
    """One seat from the pool, if one is free; 0 means no limit, -1 none at all."""
    if limit < 0:
        return False
    return await queries.take(key, limit)


async def release(key: str) -> None:
    await Counter.update({Counter.taken: Counter.taken - 1}).where(
        (Counter.key == key) & (Counter.taken > 0)
    )


async def lock(key: str) -> None:
    """Hold the counter's row until commit, to keep the lock order of this module."""
    await Counter.update({Counter.taken: Counter.taken}).where(Counter.key == key)


async def join_line(forum_id: int) -> tuple[int, int]:
    """(number, place) for a newcomer to the waiting list: place 1 is next; numbers only grow.

    Everyone who ever left the line was ahead of the newcomer, and leaving counts itself on
    the same row (leave_line), so numbers issued minus people gone is exact. One statement
    under the line's row lock: the lock is what a rush of newcomers queues for, so the fewer
    round trips it is held, the faster the line moves. (The leavers once had a row of their
    own; reading it needed a second statement, since a subquery would have read it with the
    snapshot taken before this statement waited for the lock.)
    """
    row = await queries.join_line(waitlist_key(forum_id))
    return row["taken"], row["taken"] - row["gone"]


async def leave_line(forum_id: int) -> None:
    """Someone left the waiting list (moved up, cancelled, rejected)."""
    await queries.leave_line(waitlist_key(forum_id))


async def take_seat(forum: Forum, category: Category, categories: list[Category]) -> bool:
    """A forum seat and one from the category's pool, or neither."""
    if not await take(forum_key(forum.id), forum.capacity):
        return False
    key, limit = pool(forum, category, categories)
    if not await take(key, limit):
        await release(forum_key(forum.id))
        return False
    return True


async def force_seat(forum: Forum, category: Category, categories: list[Category]) -> None:
    """A seat past the limits, which the organizer allowed (an invitation past quota):
    counted like any other, so that the pools stay exact when people leave. Same rows and
    lock order as take_seat (the rows exist: catalogue.ensure_categories made them)."""
    await take(forum_key(forum.id), 0)
    await take(pool(forum, category, categories)[0], 0)


async def release_seat(forum: Forum, category: Category, categories: list[Category]) -> None:
    await release(forum_key(forum.id))
    await release(pool(forum, category, categories)[0])


async def recount(forum: Forum, categories: list[Category]) -> None:
    """Set the forum's seat counters from its confirmed registrations.

    For when the pools change (a quota set or removed): seats counted in the shared pool
    may now belong to a category's own. Call it in a transaction holding the forum lock.
    """
    per_category = await queries.confirmed_per_category(forum.id)
    values = {forum_key(forum.id): sum(per_category.values()), f"shared:{forum.id}": 0}
    for c in categories:
        values[f"category:{c.id}"] = per_category.get(c.id, 0) if c.quota else 0
        if not c.quota:
            values[f"shared:{forum.id}"] += per_category.get(c.id, 0)
    for key, value in values.items():
        await Counter.update({Counter.taken: value}).where(Counter.key == key)


async def taken(key: str) -> int:
    return await queries.taken(key)


# Windows (PRODUCT.md): open from publication until the last day ends, in the forum's zone.


def window(forum: Forum) -> tuple[dt.datetime | None, dt.datetime]:
    opens = forum.registration_opens_at or forum.published_at
    closes = forum.registration_closes_at or time.day_bounds(forum.ends_on, forum.timezone)[1]
    return opens, closes


def is_open(forum: Forum, now: dt.datetime | None = None) -> bool:
    now = now or time.now()
    opens, closes = window(forum)
    return (
        forum.status == ForumStatus.PUBLISHED and (opens is None or opens <= now) and now < closes
    )


def may_promote(forum: Forum, now: dt.datetime | None = None) -> bool:
    """Nobody is moved up from the waiting list once registration closes or the forum starts."""
    now = now or time.now()
    starts = time.day_bounds(forum.starts_on, forum.timezone)[0]
    return is_open(forum, now) and now < starts
