from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check

ID = "2026-12-06T19:18:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "A team row belongs to a forum or an organisation; known roles only"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="teams", description=DESCRIPTION)

    async def constraints():
        # one place per row: a forum's team or an organisation's, never both or neither
        for table in ("team_invitation", "team_event"):
            await add_check(
                table,
                f"{table}_one_place",
                "({row}forum IS NULL) <> ({row}organisation IS NULL)",
            )
        await add_check(
            "team_invitation", "team_invitation_role_known", "{row}role IN ('organizer', 'staff')"
        )

    manager.add_raw(constraints)
    return manager
