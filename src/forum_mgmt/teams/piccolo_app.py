import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.teams.tables import TeamEvent, TeamInvitation

APP_CONFIG = AppConfig(
    app_name="teams",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[TeamInvitation, TeamEvent],
    migration_dependencies=["forum_mgmt.forums.piccolo_app"],
    commands=[],
)
