from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_unique

ID = "2026-12-06T08:17:46:475418"
VERSION = "1.38.0"
DESCRIPTION = "One privacy notice per forum and version"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    async def constraints():
        await add_unique("privacy_notice", "privacy_notice_version_once", "forum", "version")

    manager.add_raw(constraints)
    return manager
