import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.invitations.tables import GroupCode, Invitation

APP_CONFIG = AppConfig(
    app_name="invitations",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Invitation, GroupCode],
    migration_dependencies=[
        "forum_mgmt.mail.piccolo_app",
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.registration.piccolo_app",
    ],
    commands=[],
)
