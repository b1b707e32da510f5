from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check, add_unique

ID = "2026-11-25T15:54:23:171227"
VERSION = "1.38.0"
DESCRIPTION = "One role per person per forum and organisation"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    async def constraints():
        await add_unique("forum_role", "forum_role_once", "forum", "user")
        await add_unique("membership", "membership_once", "organisation", "user")
        await add_check("forum_role", "forum_role_known", "{row}role IN ('organizer', 'staff')")
        await add_check(
            "membership", "membership_role_known", "{row}role IN ('organizer', 'staff')"
        )

    manager.add_raw(constraints)
    return manager
