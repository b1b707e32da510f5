from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_unique

ID = "2026-12-06T19:18:16:274830"
VERSION = "1.38.0"
DESCRIPTION = "One pending notice per person and session; one opt-out per person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notices", description=DESCRIPTION)

    async def constraints():
        # A second change keeps the row, so what the person last knew stays in it.
        await add_unique(
            "pending_notice", "pending_notice_once_registration", "registration", "session"
        )
        await add_unique("pending_notice", "pending_notice_once_speaker", "speaker", "session")
        await add_unique("notice_opt_out", "notice_opt_out_once_registration", "registration")
        await add_unique("notice_opt_out", "notice_opt_out_once_speaker", "speaker")

    manager.add_raw(constraints)
    return manager
