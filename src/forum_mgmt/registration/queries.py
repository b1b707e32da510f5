"""Registration's raw SQL, each statement with the reason it is not a Piccolo query.

Table names come from the Table classes; every value is a bound parameter (`{}`).
"""
# ruff: noqa: S608 - names from our Table classes, values bound; see above

from __future__ import annotations

from forum_mgmt.registration.tables import Category, Counter, Registration, Status

COUNTER = Counter._meta.tablename
REGISTRATION = Registration._meta.tablename
CATEGORY = Category._meta.tablename
ACTIVE = ", ".join(f"'{s}'" for s in (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING))

# The statements every sign-up runs while it holds a seat counter's lock, written once:
# Piccolo built them anew each time, longer than the database took to run them.
TAKE = f"UPDATE {COUNTER} SET taken = taken + 1 WHERE key = {{}} RETURNING taken"
TAKE_BELOW = (
    f"UPDATE {COUNTER} SET taken = taken + 1 WHERE key = {{}} AND taken < {{}} RETURNING taken"
)
JOIN_LINE = f"UPDATE {COUNTER} SET taken = taken + 1 WHERE key = {{}} RETURNING taken, gone"
LEAVE_LINE = f"UPDATE {COUNTER} SET gone = gone + 1 WHERE key = {{}}"
# Read between promotions inside the seat transaction, a counter that may not exist yet.
TAKEN = f"SELECT taken FROM {COUNTER} WHERE key = {{}}"


async def take(key: str, limit: int) -> bool:
    """One seat from the counter `key`, below `limit` unless it is 0 (no limit)."""
    rows = await (Counter.raw(TAKE_BELOW, key, limit) if limit else Counter.raw(TAKE, key))
    return bool(rows)


async def join_line(key: str) -> dict:
    """The waiting-list counter after a newcomer joined: `taken` and `gone`."""
    return (await Counter.raw(JOIN_LINE, key))[0]


async def leave_line(key: str) -> None:
    await Counter.raw(LEAVE_LINE, key)


async def taken(key: str) -> int:
    rows = await Counter.raw(TAKEN, key)
    return rows[0]["taken"] if rows else 0


# GROUP BY with COUNT(*): Piccolo's select has no GROUP BY with an aggregate per group.
CONFIRMED_PER_CATEGORY = (
    f"SELECT category, COUNT(*) AS n FROM {REGISTRATION} "
    f"WHERE forum = {{}} AND status = '{Status.CONFIRMED}' GROUP BY category"
)
PER_STATUS = (
    f"SELECT status, COUNT(*) AS n FROM {REGISTRATION} "
    f"WHERE forum = {{}} AND status <> '{Status.UNCONFIRMED}' GROUP BY status"
)
ACTIVE_PER_CATEGORY_CODE = (
    f"SELECT c.code AS code, COUNT(*) AS n FROM {REGISTRATION} r "
    f"JOIN {CATEGORY} c ON c.id = r.category WHERE r.forum = {{}} "
    f"AND r.status IN ({ACTIVE}) GROUP BY c.code"
)


async def confirmed_per_category(forum_id: int) -> dict[int, int]:
    """Confirmed registrations of a forum by category id."""
    rows = await Registration.raw(CONFIRMED_PER_CATEGORY, forum_id)
    return {r["category"]: r["n"] for r in rows}


async def per_status(forum_id: int) -> dict[str, int]:
    rows = await Registration.raw(PER_STATUS, forum_id)
    return {r["status"]: r["n"] for r in rows}


async def active_per_category_code(forum_id: int) -> dict[str, int]:
    """Confirmed, waiting and pending registrations of a forum by category code."""
    rows = await Registration.raw(ACTIVE_PER_CATEGORY_CODE, forum_id)
    return {r["code"]: r["n"] for r in rows}
