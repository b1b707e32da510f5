from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core import db

ID = "2026-12-06T19:25:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "The default categories get their Chinese names (they came from the catalogue)"

# What the interface catalogue said for the default names, which were shown through it.
NAMES = {
    "Attendee": "與會者",
    "Speaker": "講者",
    "Press": "媒體",
    "VIP": "貴賓",
    "Staff": "工作人員",
}


async def backfill() -> None:
    engine = db.engine()
    for name, local in NAMES.items():  # constants of this file: no input reaches the SQL
        await engine.run_ddl(
            f'UPDATE "category" SET "name_local" = \'{local}\''  # noqa: S608
            f" WHERE \"name\" = '{name}' AND \"name_local\" = ''"
        )


async def forwards():
    # A migration of its own: Piccolo runs a migration's raw steps before its new columns.
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager
