"""Migrations build the schema from an empty database, and match the tables exactly."""

import sqlite3
import uuid
from pathlib import Path

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker
from forum_mgmt.core import db
from tests.conftest import DATABASE_URL, IS_POSTGRES, reset_schema


async def test_every_migration_runs_from_an_empty_database():
    await reset_schema()  # drops everything, then runs all migrations
    expected = {
        "organisation",
        "forum",
        "room",
        "track",
        "speaker",
        "agenda_session",
        "session_speaker",
        "forum_key",
    }
    if db.is_postgres():
        rows = await db.engine().run_ddl(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
    else:
        rows = await db.engine().run_ddl("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert expected <= {r["name"] for r in rows}


async def test_tables_have_no_change_without_a_migration():
    """What `piccolo migrations new --auto` would write: nothing."""
    for app_config in Finder().get_app_registry().app_configs.values():
        changes = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config)
        assert [c.statements for c in changes if c.statements] == [], app_config.app_name


async def _empty_database() -> None:
    if IS_POSTGRES:
        assert "test" in DATABASE_URL.rsplit("/", 1)[-1]
        await db.engine().run_ddl("DROP SCHEMA public CASCADE")
        await db.engine().run_ddl("CREATE SCHEMA public")
    else:
        path = Path(DATABASE_URL.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _forwards_to(app_name: str, migration_id: str) -> None:
    """A new database run forward to `migration_id` of `app_name` (the apps before it whole)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    for name in Finder().get_sorted_app_names():
        last = name == app_name
        result = await run_forwards(app_name=name, migration_id=migration_id if last else "all")
        assert result.success, result.message
        if last:
            return


async def test_existing_rooms_speakers_and_sessions_get_distinct_uids_kept_unique_and_set():
    import asyncpg
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from forum_mgmt.agenda.piccolo_migrations import agenda_0004_change_log as before_uids

    await _empty_database()
    try:
        await _forwards_to("agenda", before_uids.ID)
        run = db.engine().run_ddl
        await run("INSERT INTO organisation (slug, name) VALUES ('o', 'O')")
        await run(
            "INSERT INTO forum (organisation, slug, name, starts_on, ends_on) "
            "VALUES (1, 'f', 'F', '2026-12-05', '2026-12-05')"
        )
        await run("INSERT INTO room (forum, name) VALUES (1, 'A'), (1, 'B'), (1, 'C')")
        await run("INSERT INTO speaker (forum, name) VALUES (1, 'A'), (1, 'B'), (1, 'C')")
        await run(
            "INSERT INTO agenda_session (forum, title, starts_at, ends_at) VALUES "
            "(1, 'A', '2026-12-05 01:00+00:00', '2026-12-05 02:00+00:00'), "
            "(1, 'B', '2026-12-05 02:00+00:00', '2026-12-05 03:00+00:00'), "
            "(1, 'C', '2026-12-05 03:00+00:00', '2026-12-05 04:00+00:00')"
        )

        result = await run_forwards(app_name="all")
        assert result.success, result.message

        refused = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)
        for table in (Room, Speaker, AgendaSession):
            name = table._meta.tablename
            rows = await table.raw(
                f'SELECT id, CAST(uid AS TEXT) AS uid FROM "{name}" ORDER BY id'  # noqa: S608
            )
            uids = [uuid.UUID(r["uid"]) for r in rows]
            assert ([r["id"] for r in rows], len(set(uids))) == ([1, 2, 3], 3), name
            assert {(u.version, u.variant) for u in uids} == {(4, uuid.RFC_4122)}, name
            # written as Piccolo writes a UUID, so that it finds the row by it
            assert [r["uid"] for r in rows] == [str(u) for u in uids], name
            assert await table.select(table.id).where(table.uid == uids[1]) == [{"id": 2}]
            with pytest.raises(refused):
                await run(f"UPDATE \"{name}\" SET uid = '{uids[0]}' WHERE id = 2")  # noqa: S608
            with pytest.raises(refused):
                await run(f'UPDATE "{name}" SET uid = NULL WHERE id = 3')  # noqa: S608
    finally:
        await reset_schema()
