from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check, add_unique

ID = "2026-11-25T16:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One registration per email per forum; one booking per session; known values"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def constraints():
        await add_unique("registration", "registration_forum_email", "forum", "email")
        await add_unique("booking", "booking_once", "registration", "session")
        await add_unique("category", "category_forum_code", "forum", "code")
        await add_check(
            "registration",
            "registration_status_known",
            "{row}status IN ('confirmed', 'waitlisted', 'pending', 'cancelled', 'rejected')",
        )
        await add_check("counter", "counter_not_negative", "{row}taken >= 0")
        await add_check("category", "category_quota_not_negative", "{row}quota >= 0")
        await add_check(
            "question", "question_kind_known", "{row}kind IN ('text', 'choice', 'yesno')"
        )

    manager.add_raw(constraints)
    return manager
