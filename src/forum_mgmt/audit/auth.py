"""Who is acting, for the trail: the account behind a request, and the API token it used."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from forum_mgmt.accounts.auth import DeviceScope
from forum_mgmt.accounts.services import token_digest
from forum_mgmt.audit.services import Actor


def actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The actor of a request the guard let in (a bearer token, a device link or a session)."""
    user = connection.user
    auth = connection.auth
    digest = None
    if isinstance(auth, DeviceScope):
        digest = auth.token_digest
    elif auth == "token":  # AuthMiddleware's mark for a bearer token it accepted
        _scheme, _sep, secret = connection.headers.get("authorization", "").partition(" ")
        digest = token_digest(secret.strip())
    return Actor(user.id if user is not None else None, digest)
