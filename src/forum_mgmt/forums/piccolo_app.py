import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.forums.tables import (
    Forum,
    ForumRole,
    Membership,
    Organisation,
    PrivacyNotice,
)

APP_CONFIG = AppConfig(
    app_name="forums",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Organisation, Forum, Membership, ForumRole, PrivacyNotice],
    migration_dependencies=["forum_mgmt.accounts.piccolo_app"],
    commands=[],
)
