from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T19:17:07:878583"
VERSION = "1.38.0"
DESCRIPTION = "Per forum: the share of confirmed attendees expected at an open session"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Forum",
        tablename="forum",
        column_name="audience_share",
        db_column_name="audience_share",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 30,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
