"""Names that never change for what we publish: UIDs, GUIDs and public addresses.

Rooms, speakers and sessions are published under the UUID each row keeps for life (its
`uid` column, carried by `forum-mgmt export` / `import`): the same after a move to another
installation or another BASE_URL. The forum's own names (its calendar's UID, the venue as
a schedule room) are still derived from its database id within this installation's
namespace (its configured BASE_URL, else a fixed one: not the port a server listens on).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from forum_mgmt.core.settings import get_settings


def _namespace() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, get_settings().names_url)


def guid(kind: str, ident: int) -> str:
    """A UUID for an item of this installation without a uid of its own (`forum`, `venue`)."""
    return str(uuid.uuid5(_namespace(), f"{kind}:{ident}"))


def host() -> str:
    return urlsplit(get_settings().names_url).hostname or "localhost"


def uid(row) -> str:
    """The published name of a room, speaker or session: its schedule GUID, and for a
    session its iCalendar UID (RFC 7986 5.3: a UUID, no host that could change)."""
    return str(row.uid)


def public_url(path: str) -> str:
    return f"{get_settings().base_url}{path}"


def session_url(slug: str, session_id: int) -> str:
    return public_url(f"/forums/{slug}/sessions/{session_id}")
