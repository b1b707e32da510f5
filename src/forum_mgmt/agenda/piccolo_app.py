import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.agenda.tables import (
    AgendaChange,
    AgendaSession,
    Room,
    SessionSpeaker,
    Speaker,
    Track,
)

APP_CONFIG = AppConfig(
    app_name="agenda",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Room, Track, Speaker, AgendaSession, SessionSpeaker, AgendaChange],
    migration_dependencies=["forum_mgmt.forums.piccolo_app"],
    commands=[],
)
