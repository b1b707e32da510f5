from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T08:38:28:737369"
VERSION = "1.38.0"
DESCRIPTION = "Sign-ups that confirm their email address first: a status and a link"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Registration",
        tablename="registration",
        column_name="confirm_code",
        db_column_name="confirm_code",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
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
        table_class_name="Registration",
        tablename="registration",
        column_name="confirm_until",
        db_column_name="confirm_until",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
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

    manager.alter_column(
        table_class_name="Registration",
        tablename="registration",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "Status",
                {
                    "CONFIRMED": "confirmed",
                    "WAITLISTED": "waitlisted",
                    "PENDING": "pending",
                    "CANCELLED": "cancelled",
                    "REJECTED": "rejected",
                    "UNCONFIRMED": "unconfirmed",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Status",
                {
                    "CONFIRMED": "confirmed",
                    "WAITLISTED": "waitlisted",
                    "PENDING": "pending",
                    "CANCELLED": "cancelled",
                    "REJECTED": "rejected",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
