from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core import db

ID = "2026-12-02T07:53:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "Leavers counted before 0005 move onto their waiting list's row"

# Before 0005 a forum's leavers were counted on a row of their own, `waitlist-left:ID`.
MOVE = """UPDATE "counter" SET "gone" = (SELECT "left"."taken" FROM "counter" AS "left"
WHERE "left"."key" = 'waitlist-left:' || substr("counter"."key", 10))
WHERE "counter"."key" LIKE 'waitlist:%' AND EXISTS (SELECT 1 FROM "counter" AS "left"
WHERE "left"."key" = 'waitlist-left:' || substr("counter"."key", 10))"""


async def move_leavers() -> None:
    await db.engine().run_ddl(MOVE)
    await db.engine().run_ddl("""DELETE FROM "counter" WHERE "key" LIKE 'waitlist-left:%'""")


async def forwards():
    # A migration of its own: Piccolo runs a migration's raw steps before its new columns.
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)
    manager.add_raw(move_leavers)
    return manager
