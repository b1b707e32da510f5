import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.accounts.tables import ApiToken

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ApiToken],
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
    commands=[],
)
