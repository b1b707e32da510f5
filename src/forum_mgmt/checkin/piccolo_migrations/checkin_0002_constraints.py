from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import engine

ID = "2026-11-25T17:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Check-ins: once per list and registration until undone; a nonce once per forum"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="checkin", description=DESCRIPTION)

    async def constraints():
        # A partial, expression index: the entrance list is session NULL, and NULLs never
        # collide in a unique index, hence COALESCE. Both engines support this form.
        db = engine()
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS checkin_once ON checkin "
            "(registration, COALESCE(session, 0)) WHERE undone_at IS NULL"
        )
        await db.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS checkin_nonce ON checkin (forum, nonce)"
        )

    manager.add_raw(constraints)
    return manager
