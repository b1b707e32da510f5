"""The attendee erases their data: a confirmation page and its form on the private ticket
page's address, and the same through the API (in the /api router, public)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.forums.guards import PUBLIC
from forum_mgmt.privacy import services
from forum_mgmt.privacy.schemas import ErasedOut
from forum_mgmt.registration import services as registration

# The ticket page remembers its link in this cookie (registration/routes/pages.py): a dead
# link is no use to keep.
TICKET_COOKIE = "ticket"


class ErasurePages(Controller):
    """Beside registration's TicketPages at the same prefix: different sub-paths."""

    path = "/tickets/{token:str}/erase"
    include_in_schema = False

    @get("/", name="ticket-erase")
    async def confirm(self, token: FromPath[str]) -> Template:
        forum, person = await registration.by_token(token)
        return Template(
            "privacy/erase.html",
            context={
                "forum": forum,
                "registration": person,
                "cancels": not services.started(forum) and person.status != "cancelled",
            },
        )

    @post("/", status_code=HTTP_200_OK)
    async def erase(self, token: FromPath[str]) -> Template:
        erased = await services.erase(token)
        return Template(
            "privacy/erased.html",
            context={"forum": erased.forum, "cancelled": erased.cancelled},
            cookies=[Cookie(key=TICKET_COOKIE, value="", path="/", max_age=0)],
        )


class ErasureAPI(Controller):
    """Mounted in the /api router: anyone holding the private link."""

    path = "/tickets/{token:str}"
    opt = {"role": PUBLIC}  # noqa: RUF012 - Litestar's controller option
    tags = ("privacy",)

    @post("/erase", status_code=HTTP_200_OK)
    async def erase(self, token: FromPath[str]) -> ErasedOut:
        """Erase the registration's personal data; before the forum it is cancelled too."""
        erased = await services.erase(token)
        return ErasedOut(status="erased", cancelled=erased.cancelled)
