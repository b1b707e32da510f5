"""Names that never change for what we publish: UIDs, GUIDs and public addresses.

Each is derived from a database id and a namespace of this installation (its BASE_URL),
so that two installations never collide and a re-published item keeps its name.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from forum_mgmt.core.settings import get_settings


def _namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, get_settings().base_url)


def guid(kind: str, ident: int) -> str:
    """A stable UUID for one of our items (`session`, `speaker`, `room`, ...)."""
    return str(uuid.uuid5(_namespace(), f"{kind}:{ident}"))


def host() -> str:
    return urlsplit(get_settings().base_url).hostname or "localhost"


def session_uid(session_id: int) -> str:
    """The iCalendar UID of a session (RFC 5545 3.8.4.7): globally unique, never changing."""
    return f"{guid('session', session_id)}@{host()}"


def public_url(path: str) -> str:
    return f"{get_settings().base_url}{path}"


def session_url(slug: str, session_id: int) -> str:
    return public_url(f"/forums/{slug}/sessions/{session_id}")
