from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check, add_unique

ID = "2026-12-06T19:17:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "One invitation per address and forum; one group code per forum; uses in bounds"


# Apart from the tables' migration: Piccolo runs a migration's raw steps before its tables.
async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="invitations", description=DESCRIPTION)

    async def constraints():
        await add_unique("invitation", "invitation_forum_email", "forum", "email")
        await add_unique("group_code", "group_code_forum_code", "forum", "code")
        await add_check(
            "group_code",
            "group_code_uses_in_bounds",
            "{row}uses >= 0 AND {row}uses <= {row}max_uses AND {row}max_uses >= 1",
        )
        await add_check(
            "invitation", "invitation_language_known", "{row}language IN ('en', 'zh-TW')"
        )

    manager.add_raw(constraints)
    return manager
