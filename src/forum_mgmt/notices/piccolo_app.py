import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.notices.tables import NoticeOptOut, PendingNotice

APP_CONFIG = AppConfig(
    app_name="notices",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[PendingNotice, NoticeOptOut],
    migration_dependencies=[
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.agenda.piccolo_app",
        "forum_mgmt.registration.piccolo_app",
    ],
    commands=[],
)
