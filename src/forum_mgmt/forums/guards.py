"""Who may use a route: one guard, on the three routers of `app.py`, reading `opt["role"]`.

Every signed-in route lives under one of three routers (`/manage`, `/checkin`, `/api`);
each router carries `guards=[requires_role]` and a default role in its `opt`, and a
controller or handler that needs another says so in its own `opt` (Litestar merges `opt`
from the router down to the handler):

    class TokenPages(Controller):
        opt = {"role": SIGNED_IN}

The role is one of `Role.ORGANIZER`, `Role.STAFF` (held on the forum of the path's
`slug`, which is kept in `request.state.forum` for the handler), `ADMIN`, `SIGNED_IN`, or
`PUBLIC` (the public read API and sign-up, in the `/api` router beside the writes).
Without a slug, `Role.ORGANIZER` means "may create forums". Either way the guard refuses
before the body is read. A device link's session may only scan: STAFF routes of its own
forum. Public pages are mounted outside these routers.
"""

from __future__ import annotations

from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from forum_mgmt.accounts.auth import DeviceScope
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services
from forum_mgmt.forums.tables import Forum, Role

ADMIN: Final = "admin"
SIGNED_IN: Final = "signed-in"
PUBLIC: Final = "public"
ROLES: Final = frozenset({Role.ORGANIZER, Role.STAFF, ADMIN, SIGNED_IN, PUBLIC})

Connection = ASGIConnection[Any, Any, Any, Any]


async def requires_role(connection: Connection, handler: BaseRouteHandler) -> None:
    role = handler.opt.get("role")
    if role not in ROLES:  # a router or handler that forgot its role opens nothing
        raise PermissionDeniedException(_("You may not open this page."))
    if role == PUBLIC:
        return
    user = connection.user
    if user is None:
        raise NotAuthorizedException(_("Please sign in first."))
    device = connection.auth if isinstance(connection.auth, DeviceScope) else None
    if device is not None and (role != Role.STAFF or "slug" not in connection.path_params):
        raise _device_refused()
    if role == SIGNED_IN:
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


def forum_of(connection: Connection) -> Forum:
    """The forum the guard checked for this request."""
    forum: Forum = connection.state.forum
    return forum
