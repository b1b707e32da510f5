"""One guard for every workspace page and API write: signed in, with the role asked for.

A handler names the role it needs in its `opt` (`opt={"role": Role.ORGANIZER}`); with a
`slug` in the path, the role must be held on that forum, and the forum is kept in
`request.state.forum` for the handler. Without a slug (creating a forum) the organizer
role must be held on an organisation. Either way the guard refuses before the body is read.
A device link's session may only scan: STAFF pages and calls of its own forum.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from forum_mgmt.accounts.auth import DeviceScope
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services
from forum_mgmt.forums.tables import Forum, Role

ADMIN = "admin"


async def requires_role(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    user = connection.user
    if user is None:
        raise NotAuthorizedException(_("Please sign in first."))
    role = handler.opt.get("role")
    device = connection.auth if isinstance(connection.auth, DeviceScope) else None
    if device is not None and (role != Role.STAFF or "slug" not in connection.path_params):
        raise _device_refused()
    if role is None:
        return
    if role == ADMIN:
        if not user.admin:
            raise PermissionDeniedException(_("Only an administrator may do this."))
        return
    slug = connection.path_params.get("slug")
    if slug is not None:
        forum = await services.forum_for(user, slug, Role(role))
        if device is not None and forum.id != device.forum_id:
            raise _device_refused()
        connection.state.forum = forum
    elif not user.admin and not await services.organisations_for_new_forums(user):
        raise PermissionDeniedException(_("You may not create forums."))


def _device_refused() -> PermissionDeniedException:
    return PermissionDeniedException(_("A check-in device may only check people in at its forum."))


def forum_of(connection: ASGIConnection) -> Forum:
    """The forum the guard checked for this request."""
    return connection.state.forum


ORGANIZER = {"guards": [requires_role], "opt": {"role": Role.ORGANIZER}}
"""Keyword arguments for a route decorator: only this forum's organizers (or an admin)."""
STAFF = {"guards": [requires_role], "opt": {"role": Role.STAFF}}
"""Keyword arguments for a route decorator: this forum's staff, organizers, or an admin."""
