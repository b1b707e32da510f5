from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_unique

ID = "2026-11-25T17:02:40:839684"
VERSION = "1.38.0"
DESCRIPTION = "A session is starred once per registration"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def constraints():
        await add_unique("star", "star_once", "registration", "session")

    manager.add_raw(constraints)
    return manager
