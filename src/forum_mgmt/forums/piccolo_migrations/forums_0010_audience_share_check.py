from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check

ID = "2026-12-06T19:17:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "A forum's audience share is a percent"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    async def constraints():
        await add_check(
            "forum", "forum_audience_share_percent", "{row}audience_share BETWEEN 0 AND 100"
        )

    manager.add_raw(constraints)
    return manager
