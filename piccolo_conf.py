"""Piccolo's configuration: the engine from DATABASE_URL, and the domain apps."""

import os
from pathlib import Path

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

_DATA = Path(os.environ.get("FORUM_MGMT_DATA", Path(__file__).resolve().parent / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{_DATA / 'forum.sqlite'}")

if DATABASE_URL.startswith(("postgres://", "postgresql://")):
    DB = PostgresEngine(config={"dsn": DATABASE_URL})
else:
    _path = Path(DATABASE_URL.removeprefix("sqlite:///"))
    _path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: writers queue behind each other instead of failing after 5 s.
    DB = SQLiteEngine(path=str(_path), timeout=30)

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "forum_mgmt.accounts.piccolo_app",
        "forum_mgmt.forums.piccolo_app",
        "forum_mgmt.audit.piccolo_app",
        "forum_mgmt.teams.piccolo_app",
        "forum_mgmt.agenda.piccolo_app",
        "forum_mgmt.tickets.piccolo_app",
        "forum_mgmt.mail.piccolo_app",
        "forum_mgmt.registration.piccolo_app",
        "forum_mgmt.invitations.piccolo_app",
        "forum_mgmt.checkin.piccolo_app",
        "forum_mgmt.notices.piccolo_app",
    ]
)
