"""Migrations build the schema from an empty database, and match the tables exactly."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

from forum_mgmt.core import db
from tests.conftest import reset_schema


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
