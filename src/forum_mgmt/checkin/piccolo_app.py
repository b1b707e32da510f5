import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.checkin.tables import Checkin, DeviceCode

APP_CONFIG = AppConfig(
    app_name="checkin",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Checkin, DeviceCode],
    migration_dependencies=[
        "piccolo.apps.user.piccolo_app",
        "forum_mgmt.accounts.piccolo_app",
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.agenda.piccolo_app",
        "forum_mgmt.registration.piccolo_app",
        "forum_mgmt.tickets.piccolo_app",
    ],
    commands=[],
)
