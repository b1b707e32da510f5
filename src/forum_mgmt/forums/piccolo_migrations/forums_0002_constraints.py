from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check

ID = "2026-11-25T15:41:56:472562"
VERSION = "1.38.0"
DESCRIPTION = "Constraints the tables cannot declare portably"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    async def constraints():
        await add_check("forum", "forum_dates_ordered", "{row}ends_on >= {row}starts_on")
        await add_check("forum", "forum_status_known", "{row}status IN ('draft', 'published')")
        await add_check("forum", "forum_capacity_positive", "{row}capacity >= 0")

    manager.add_raw(constraints)

    return manager
