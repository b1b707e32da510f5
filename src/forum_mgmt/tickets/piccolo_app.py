import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.tickets.tables import ForumKey, Ticket

APP_CONFIG = AppConfig(
    app_name="tickets",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ForumKey, Ticket],
    migration_dependencies=[
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.registration.piccolo_app",
    ],
    commands=[],
)
