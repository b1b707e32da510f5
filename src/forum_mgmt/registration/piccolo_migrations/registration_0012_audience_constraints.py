from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_unique

ID = "2026-12-06T19:17:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "A browser-only star counts once per device and session"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def constraints():
        await add_unique("device_star", "device_star_once", "session", "device")

    manager.add_raw(constraints)
    return manager
