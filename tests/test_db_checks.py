"""`add_check` and `drop_check` (core/db.py): a rule the database enforces, and its removal,
on whichever engine the run uses (run the suite with DATABASE_URL for PostgreSQL)."""

import pytest

from forum_mgmt.core import db

TABLE = "scratch_check"


@pytest.fixture
async def scratch():
    await db.engine().run_ddl(f'CREATE TABLE "{TABLE}" (id INTEGER PRIMARY KEY, n INTEGER)')
    try:
        yield
    finally:
        await db.engine().run_ddl(f'DROP TABLE IF EXISTS "{TABLE}"')


async def _insert(n: int) -> None:
    await db.engine().run_ddl(f'INSERT INTO "{TABLE}" (id, n) VALUES ({n}, {n})')  # noqa: S608


async def _update(n: int) -> None:
    await db.engine().run_ddl(f'UPDATE "{TABLE}" SET n = {n}')  # noqa: S608


async def _values() -> list[int]:
    rows = await db.engine().run_ddl(f'SELECT n FROM "{TABLE}" ORDER BY id')  # noqa: S608
    return [r["n"] for r in rows]


async def test_add_check_refuses_inserts_and_updates_breaking_the_rule(scratch):
    await db.add_check(TABLE, "scratch_small", "{row}n < 10")
    await _insert(1)
    with pytest.raises(Exception, match=r"(?i)check constraint.*scratch_small|scratch_small"):
        await _insert(11)
    with pytest.raises(Exception, match=r"(?i)scratch_small"):
        await _update(12)
    assert await _values() == [1]


async def test_drop_check_lets_the_rule_go_for_inserts_and_updates(scratch):
    await db.add_check(TABLE, "scratch_small", "{row}n < 10")
    await db.add_check(TABLE, "scratch_positive", "{row}n > 0")
    await db.drop_check(TABLE, "scratch_small")
    await _insert(11)
    await _update(12)
    assert await _values() == [12]
    with pytest.raises(Exception, match=r"(?i)scratch_positive"):
        await _insert(-1)  # the other rule stays
    await db.drop_check(TABLE, "scratch_small")  # a second drop is no error
    assert await _values() == [12]
