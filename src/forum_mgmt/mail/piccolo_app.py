import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.mail.tables import Outbox

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Outbox],
    migration_dependencies=[],
    commands=[],
)
