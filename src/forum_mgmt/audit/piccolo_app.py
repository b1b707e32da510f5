import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.audit.tables import AccessEntry

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AccessEntry],
    migration_dependencies=["forum_mgmt.forums.piccolo_app"],
    commands=[],
)
