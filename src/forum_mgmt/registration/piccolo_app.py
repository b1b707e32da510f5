import os

from piccolo.conf.apps import AppConfig

from forum_mgmt.registration.tables import (
    Booking,
    Category,
    Counter,
    DeviceStar,
    Question,
    Registration,
    Star,
)

APP_CONFIG = AppConfig(
    app_name="registration",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Category, Question, Registration, Booking, Counter, Star, DeviceStar],
    migration_dependencies=[
        "forum_mgmt.mail.piccolo_app",
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.agenda.piccolo_app",
    ],
    commands=[],
)
