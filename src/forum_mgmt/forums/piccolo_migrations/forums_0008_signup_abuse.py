from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T08:38:31:992938"
VERSION = "1.38.0"
DESCRIPTION = "Per forum: sign-ups per address and hour, email confirmation"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="forums", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Forum",
        tablename="forum",
        column_name="confirm_email",
        db_column_name="confirm_email",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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

    manager.add_column(
        table_class_name="Forum",
        tablename="forum",
        column_name="signup_limit_per_address",
        db_column_name="signup_limit_per_address",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 20,
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
