"""The scanner page for check-in staff, and the device link that signs a phone in.

The page is server-rendered; static/checkin.js does the scanning, talks to the check-in
API (forum_mgmt.checkin.routes) and judges codes offline with static/ticketcode.js.
Its no-referrer, no-store and camera permission come from core/headers.py.
"""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.auth import DeviceScope
from forum_mgmt.core import sessions
from forum_mgmt.core.errors import Forbidden
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration


class ScannerPages(Controller):
    """Mounted under /checkin in a router whose guard asks for the STAFF role."""

    path = "/{slug:str}"

    @get("/", name="checkin-scanner", opt={"role": Role.STAFF})
    async def scanner(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        api = f"/api/forums/{forum.slug}"
        return Template(
            "checkin/scanner.html",
            context={
                "forum": forum,
                "lists": await registration.workshops(forum),
                "urls": {
                    "scan": f"{api}/checkins",
                    "data": f"{api}/checkin-data",
                    "sync": f"{api}/checkins/sync",
                    "search": f"{api}/checkin-search",
                },
            },
        )


def _refused(status: int, message: str) -> Template:
    return Template(
        "checkin/device_refused.html",
        context={"status": status, "message": message},
        status_code=status,
    )


class DeviceLink(Controller):
    """A link holding a staff API token: opening it signs this browser in as a scanner of
    this forum only, for as long as the token is not revoked (no guard)."""

    path = "/checkin/{slug:str}/device"
    include_in_schema = False

    @get("/", name="checkin-device")
    async def device(
        self, request: Request, slug: FromPath[str], token: FromQuery[str] = ""
    ) -> Template | Redirect:
        user = await accounts.user_for_token(token.strip())
        if user is None:
            return _refused(
                HTTP_401_UNAUTHORIZED,
                _("This device link is wrong, expired or revoked. Ask an organiser for a new one."),
            )
        try:
            forum = await forums.forum_for(user, slug, Role.STAFF)
        except Forbidden:
            return _refused(
                HTTP_403_FORBIDDEN, _("This device link does not give check-in rights here.")
            )
        device = DeviceScope(forum.id, forum.slug, accounts.token_digest(token.strip()))
        sessions.renew(request, device.session(user.id))
        return Redirect(f"/checkin/{forum.slug}", status_code=303)
