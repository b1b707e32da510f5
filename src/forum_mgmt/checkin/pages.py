"""The scanner page for check-in staff, and the device links that sign a phone in.

The page is server-rendered; static/checkin.js does the scanning, talks to the check-in
API (forum_mgmt.checkin.routes) and judges codes offline with static/ticketcode.js.
Its no-referrer, no-store and camera permission come from core/headers.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_410_GONE
from markupsafe import Markup

from forum_mgmt.accounts.auth import DeviceScope
from forum_mgmt.checkin.schemas import DeviceCodeIn, DeviceLinkIn
from forum_mgmt.checkin.services import devices
from forum_mgmt.core import sessions, time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums import services as forum_services
from forum_mgmt.forums.guards import SIGNED_IN, forum_of
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import qr


class ScannerList(Controller):
    """Mounted in the /checkin router: anyone signed in sees the scanners of the forums
    they have a role on (where sign-in sends staff of several forums)."""

    path = "/"
    opt = {"role": SIGNED_IN}  # noqa: RUF012 - Litestar's controller option

    @get("/", name="checkin-scanners")
    async def scanners(self, request: Request) -> Template:
        now = time.now()
        forums = []
        for forum, _role in await forum_services.forums_with_roles(request.user):
            opens, closes = forum_services.checkin_window(forum)
            state = "open" if opens <= now < closes else "soon" if now < opens else "over"
            forums.append((forum, opens, state))
        return Template("checkin/scanners.html", context={"forums": forums, "section": "scanners"})


class ScannerPages(Controller):
    """Mounted in the /checkin router (staff of the forum)."""

    path = "/{slug:str}"

    @get("/", name="checkin-scanner")
    async def scanner(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        api = f"/api/forums/{forum.slug}"
        return Template(
            "checkin/scanner.html",
            context={
                "forum": forum,
                # a device link's session may open nothing else: no way out to the workspace
                "device": isinstance(request.auth, DeviceScope),
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
    """A device link holds a one-time code (checkin/services/devices.py): opening it shows
    a button, and pressing the button spends the code and signs this browser in as a
    scanner of this forum only, for as long as the token behind it is not revoked. Only
    the POST spends it, so a link preview or a pre-fetching mail client cannot. No guard:
    the code is the credential."""

    path = "/checkin/{slug:str}/device"
    include_in_schema = False

    @get("/", name="checkin-device")
    async def device(
        self, slug: FromPath[str], code: FromQuery[str] = "", token: FromQuery[str] = ""
    ) -> Template:
        if token:
            return _refused(
                HTTP_410_GONE,
                _(
                    "Device links no longer carry an API token, and this old kind of link "
                    "is refused. Anyone who saw it, printed or in a chat, a browser history "
                    "or a server log, could use the token inside it: revoke that token on "
                    "the API tokens page, then make a new device link there."
                ),
            )
        if not code:
            return _refused(
                HTTP_400_BAD_REQUEST,
                _("This address needs the code of a device link. Ask an organiser for one."),
            )
        try:
            forum = await devices.check_device_code(slug, code)
        except DomainError as err:
            return _refused(err.status_code, err.message)
        return Template(
            "checkin/device.html",
            context={"forum": forum, "code": code},
        )

    @post("/", status_code=HTTP_200_OK)
    async def sign_in(
        self, request: Request, slug: FromPath[str], data: URLEncodedBody[DeviceCodeIn]
    ) -> Template | Redirect:
        try:
            signed = await devices.use_device_code(slug, data.code)
        except DomainError as err:
            return _refused(err.status_code, err.message)
        device = DeviceScope(signed.forum.id, signed.forum.slug, signed.token_digest)
        sessions.renew(request, device.session(signed.user.id))
        return Redirect(f"/checkin/{signed.forum.slug}", status_code=303)


class DeviceLinkMaker(Controller):
    """Mounted in the /manage router: anyone signed in makes device links with their own
    tokens, for the forums where they are staff (the service checks both)."""

    path = "/tokens/{token_id:int}/device-link"
    opt = {"role": SIGNED_IN}  # noqa: RUF012 - Litestar's controller option

    @post("/", status_code=HTTP_200_OK)
    async def create(
        self, request: Request, token_id: FromPath[int], data: URLEncodedBody[DeviceLinkIn]
    ) -> Template:
        new = await devices.create_device_code(request.user, token_id, data.forum)
        query = urlencode({"code": new.code})
        link = f"{get_settings().base_url}/checkin/{new.forum.slug}/device?{query}"
        return Template(
            "checkin/device_link.html",
            context={
                "forum": new.forum,
                "link": link,
                "qr": Markup(qr.svg(link)),  # noqa: S704 - our own QR drawing of our own link
                "expires_at": new.expires_at,
                "minutes": devices.CODE_MINUTES,
            },
        )
