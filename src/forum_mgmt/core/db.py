"""The database engine (configured in piccolo_conf.py) and how to use it safely."""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from piccolo.columns import JSON, JSONB
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType
from piccolo.table import Table

T = TypeVar("T", bound=Table)


def engine() -> Engine:
    db = engine_finder()
    if db is None:  # pragma: no cover - piccolo_conf.py always defines DB
        raise RuntimeError("piccolo_conf.py defines no DB")
    return db


def is_postgres() -> bool:
    return engine().engine_type == "postgres"


@cache
def _insert_sql(table: type[Table]) -> tuple[str, tuple]:
    columns = tuple(c for c in table._meta.columns if not c._meta.primary_key)
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    marks = ", ".join("{}" for _ in columns)
    # Names come from the table's own definition, values go as parameters.
    sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks}) RETURNING "id"'  # noqa: S608
    return sql, columns


def _value(column, value):
    if isinstance(column, (JSON, JSONB)) and not isinstance(value, str):
        return json.dumps(value)
    return value.value if isinstance(value, enum.Enum) else value


async def insert(*rows: Table) -> None:
    """Save new rows with statements written once per table, and set their ids.

    On the hot paths (a sign-up, its mail) Piccolo's `save()` spent longer building its SQL
    than the database spent running it. On PostgreSQL several rows go in one statement
    (one `WITH` part each): a sign-up writes them while it holds its seat counter's lock,
    which the next sign-up waits for, so every round trip saved there shortens the line.
    """
    if len(rows) > 1 and is_postgres():
        parts, values = [], []
        for i, row in enumerate(rows):
            sql, columns = _insert_sql(type(row))
            parts.append(f'"r{i}" AS ({sql})')
            values += [_value(c, row[c._meta.name]) for c in columns]
        ids = ", ".join(f'(SELECT "id" FROM "r{i}") AS "id{i}"' for i in range(len(rows)))  # noqa: S608 - our names
        made = (await rows[0].raw(f"WITH {', '.join(parts)} SELECT {ids}", *values))[0]
        for i, row in enumerate(rows):
            _saved(row, made[f"id{i}"])
        return
    for row in rows:
        sql, columns = _insert_sql(type(row))
        made = await row.raw(sql, *(_value(c, row[c._meta.name]) for c in columns))
        _saved(row, made[0]["id"])


def _saved(row: Table, id_: int) -> None:
    setattr(row, row._meta.primary_key._meta.name, id_)
    as_saved(row)


@cache
def _numbered(sql: str) -> str:
    """Piccolo's `{}` placeholders as PostgreSQL's `$1, $2, ...` (our SQL has no other braces)."""
    parts = sql.split("{}")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def pooled(table: type[Table]) -> bool:
    """Whether `fetch` goes straight to asyncpg's pool: PostgreSQL, no transaction open.
    (The table's engine, as Piccolo's own queries find it: `engine()` imports each time.)"""
    db = table._meta.db
    return isinstance(db, PostgresEngine) and bool(db.pool) and db.current_transaction.get() is None


async def fetch(table: type[Table], sql: str, *args: Any) -> list[dict]:
    """`table.raw(sql, *args)` (`{}` for each value) as dicts, straight to asyncpg's pool on
    PostgreSQL when no transaction is open: for the check-in's hot path, where Piccolo's
    query string, engine and result handling cost ~30 us a statement (a tenth of a scan)."""
    if pooled(table):
        return await _pool_fetch(table._meta.db, _numbered(sql), args)  # type: ignore[arg-type]
    return await table.raw(sql, *args)


async def _pool_fetch(db: PostgresEngine, sql: str, args: tuple) -> list[dict]:
    """The one statement path that bypasses Piccolo's engine (tests count it beside it)."""
    return [dict(row) for row in await db.pool.fetch(sql, *args)]  # type: ignore[union-attr]


def row_from(table: type[T], values: Mapping[str, Any]) -> T:
    """The row object of a row read with raw SQL (`SELECT *`), as Piccolo's own queries
    build it: its `save()` UPDATEs that row."""
    return as_saved(table(**values))


def as_saved(row: T) -> T:
    """Mark a row object as one the database holds, so that `save()` UPDATEs, not INSERTs.

    Piccolo keeps this in a private attribute (`_exists_in_db`, which its own selects and
    inserts set); this is the one place of ours that touches it, and tests/test_db_rows.py
    fails when Piccolo changes it.
    """
    row._exists_in_db = True
    return row


def transaction():
    """A transaction that takes the write lock first on SQLite.

    SQLite's default DEFERRED transaction fails at once with "database is locked" when a
    read is followed by a write under concurrency; IMMEDIATE queues writers instead.
    """
    db = engine()
    if db.engine_type == "sqlite":
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


# What a database that cannot be reached raises (refused, dropped, shut down, full): the
# app answers 503, so a proxy takes this host out instead of showing a 500.
UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)


def pool_size() -> int:
    """Connections a worker may hold (DB_POOL_SIZE, default 20): workers x hosts x this must
    stay under PostgreSQL's max_connections (docs/deployment.md)."""
    value = os.environ.get("DB_POOL_SIZE", "")
    return int(value) if value.isdigit() and int(value) > 0 else 20


async def open_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        size = pool_size()
        await db.start_connection_pool(min_size=min(10, size), max_size=size, reset=_keep_session)
    else:
        # WAL lets readers run beside the one writer; it is persistent per file.
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def _keep_session(connection) -> None:
    """What asyncpg does to a connection handed back to the pool, after it has rolled back any
    transaction left open: nothing more. Its default (RESET ALL, UNLISTEN, advisory unlock,
    CLOSE ALL) is one more round trip per query, and this app sets no session state, listens
    to nothing and takes no advisory locks."""


async def close_pool() -> None:
    db = engine()
    if db.engine_type == "postgres":
        await db.close_connection_pool()


async def ping() -> bool:
    rows = await engine().run_ddl("SELECT 1 AS ok")
    return bool(rows) and rows[0]["ok"] == 1


async def add_check(table: str, name: str, condition: str) -> None:
    """A CHECK constraint on both engines, for migrations.

    SQLite cannot `ALTER TABLE ... ADD CONSTRAINT`, so there the same rule becomes a pair of
    triggers that abort the write. `condition` names columns as `{row}column`.
    """
    db = engine()
    if db.engine_type == "postgres":
        await db.run_ddl(
            f'ALTER TABLE "{table}" ADD CONSTRAINT {name} CHECK ({condition.format(row="")})'
        )
        return
    when = condition.format(row="NEW.")
    for op in ("INSERT", "UPDATE"):
        await db.run_ddl(
            f'CREATE TRIGGER IF NOT EXISTS {name}_{op.lower()} BEFORE {op} ON "{table}" '
            f"FOR EACH ROW WHEN NOT ({when}) "
            f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        )


async def drop_check(table: str, name: str) -> None:
    """Remove a CHECK that `add_check` made, on both engines, for migrations.

    On SQLite the rule is the pair of triggers `add_check` created, so dropping them is
    enough: no table rebuild, which a real SQLite CHECK would need. A rule that is not
    there is no error (a migration may run again after a failure).
    """
    db = engine()
    if db.engine_type == "postgres":
        await db.run_ddl(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS {name}')
        return
    for op in ("INSERT", "UPDATE"):
        await db.run_ddl(f"DROP TRIGGER IF EXISTS {name}_{op.lower()}")


async def add_unique(table: str, name: str, *columns: str) -> None:
    """A composite unique key on both engines (Piccolo's Unique breaks on SQLite)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    await engine().run_ddl(f'CREATE UNIQUE INDEX IF NOT EXISTS {name} ON "{table}" ({cols})')
