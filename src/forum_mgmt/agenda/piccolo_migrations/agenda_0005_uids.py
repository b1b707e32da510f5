from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod

from forum_mgmt.core import db

ID = "2026-12-02T07:28:13:457668"
VERSION = "1.38.0"
DESCRIPTION = "Rooms, speakers and sessions keep one UUID for life, for feeds and exports"

TABLES = (("Room", "room"), ("Speaker", "speaker"), ("AgendaSession", "agenda_session"))

# A random version 4 UUID in SQLite's SQL, in the text form Piccolo stores; evaluated once
# per row. `random() & 3` picks the variant digit (8, 9, a or b).
SQLITE_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agenda", description=DESCRIPTION)

    for table_class_name, tablename in TABLES:
        manager.add_column(
            table_class_name=table_class_name,
            tablename=tablename,
            column_name="uid",
            db_column_name="uid",
            column_class_name="UUID",
            column_class=UUID,
            params={
                "default": UUID4(),
                "null": False,
                "primary_key": False,
                "unique": True,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )

    async def uids_on_sqlite():
        # PostgreSQL runs the steps above as written: ADD COLUMN ... UNIQUE NOT NULL
        # DEFAULT gen_random_uuid() gives every existing row a value of its own.
        if db.is_postgres():
            return
        # SQLite refuses to ADD COLUMN a UNIQUE column, or a NOT NULL one without a constant
        # default once the table has rows. So the column is added here (raw steps run
        # before Piccolo's own), filled row by row, then made unique and required; the
        # steps above stay for Piccolo's record of the schema, not to be run.
        manager.add_columns.add_columns.clear()
        for _class_name, table in TABLES:
            await db.engine().run_ddl(f'ALTER TABLE "{table}" ADD COLUMN "uid" UUID')
            await db.engine().run_ddl(f'UPDATE "{table}" SET "uid" = {SQLITE_UUID4}')  # noqa: S608
            await db.add_unique(table, f"{table}_uid_key", "uid")
            await db.add_check(table, f"{table}_uid_not_null", "{row}uid IS NOT NULL")

    manager.add_raw(uids_on_sqlite)

    return manager
