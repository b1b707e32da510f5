from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check, add_unique, drop_check

ID = "2026-12-06T08:38:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "A confirmation link is unique; 'unconfirmed' is a known status"


# Apart from the columns' migration: Piccolo runs a migration's raw steps before its columns.
async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def constraints():
        await add_unique("registration", "registration_confirm_code", "confirm_code")
        await drop_check("registration", "registration_status_known")
        await add_check(
            "registration",
            "registration_status_known",
            "{row}status IN "
            "('confirmed', 'waitlisted', 'pending', 'cancelled', 'rejected', 'unconfirmed')",
        )

    manager.add_raw(constraints)
    return manager
