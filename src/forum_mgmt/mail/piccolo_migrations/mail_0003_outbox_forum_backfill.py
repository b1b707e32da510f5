from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core import db

ID = "2026-12-02T07:27:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outbox rows written before 0002 name their forum"


POSTGRES = """UPDATE "outbox" SET "forum_id" = (SELECT "forum"."id" FROM "forum"
WHERE "forum"."slug" = "outbox"."context"::json -> 'forum' ->> 'slug') WHERE "forum_id" IS NULL"""
SQLITE = """UPDATE "outbox" SET "forum_id" = (SELECT "forum"."id" FROM "forum"
WHERE "forum"."slug" = json_extract("outbox"."context", '$.forum.slug')) WHERE "forum_id" IS NULL"""


async def backfill() -> None:
    """Older rows: the forum is the one whose slug the message's context carries.

    Rows without one (none came from registration) stay NULL and show in no forum's log.
    Skipped when no row needs it: on a fresh database the forum table may not exist yet (the
    mail app depends on no other app's migrations).
    """
    engine = db.engine()
    if not await engine.run_ddl('SELECT 1 AS x FROM "outbox" WHERE "forum_id" IS NULL LIMIT 1'):
        return
    await engine.run_ddl(POSTGRES if engine.engine_type == "postgres" else SQLITE)


async def forwards():
    # A migration of its own: Piccolo runs a migration's raw steps before its new columns.
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager
