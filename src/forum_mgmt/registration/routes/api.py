"""The JSON API: public sign-up and cancel; the organizer's list and decisions."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_429_TOO_MANY_REQUESTS,
)

from forum_mgmt.audit.auth import actor
from forum_mgmt.core import time
from forum_mgmt.core.i18n import _
from forum_mgmt.core.openapi import ErrorOut
from forum_mgmt.forums import services as forum_services
from forum_mgmt.forums.guards import PUBLIC, forum_of
from forum_mgmt.registration import services
from forum_mgmt.registration.routes.pages import client_address
from forum_mgmt.registration.schemas import (
    CheckMailbox,
    RegistrationCreated,
    RegistrationIn,
    RegistrationOut,
    StatusOut,
)
from forum_mgmt.registration.services import Row
from forum_mgmt.registration.services.checks import loaded
from forum_mgmt.registration.tables import Status
from forum_mgmt.tickets import services as tickets


def registration_out(forum, row: Row) -> RegistrationOut:
    r = row.registration
    return RegistrationOut(
        id=r.id,
        name=r.name,
        name_local=r.name_local,
        email=r.email,
        organization=r.organization,
        title=r.title,
        country=r.country,
        category=row.category,
        session_ids=row.session_ids,
        consent=r.consent,
        dietary=r.dietary,
        accessibility=r.accessibility,
        answers=loaded(r.answers),
        status=r.status,
        waitlist_position=row.waitlist_position,
        created_at=time.local(r.created_at, forum.timezone),
    )


async def _one(forum, registration) -> RegistrationOut:
    return registration_out(forum, await services.row_of(forum, registration.id))


class RegistrationAPI(Controller):
    """Public sign-up, in the /api router."""

    path = "/forums/{slug:str}/registrations"
    opt = {"role": PUBLIC}  # noqa: RUF012 - Litestar's controller option
    tags = ("registration",)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        responses={
            HTTP_202_ACCEPTED: ResponseSpec(
                data_container=CheckMailbox,
                description="The forum confirms email addresses: check the mailbox.",
                generate_examples=False,
            ),
            HTTP_429_TOO_MANY_REQUESTS: ResponseSpec(
                data_container=ErrorOut,
                description="Too many sign-ups from this address; `Retry-After` says when.",
                generate_examples=False,
            ),
        },
    )
    async def create(
        self, request: Request, slug: FromPath[str], data: JSONBody[RegistrationIn]
    ) -> Response[RegistrationCreated | CheckMailbox]:
        """201 with the registration; 202 "check your mailbox" on a forum that confirms
        email addresses, the same answer for a new and an already registered address."""
        forum = await forum_services.get_public_forum(slug)
        outcome = await services.register(forum, data, address=client_address(request))
        if isinstance(outcome, services.Mailbox):
            mailbox = CheckMailbox(
                status="check_mailbox",
                message=_(
                    "We have sent a message to this address. Open the link in it to "
                    "complete the registration."
                ),
            )
            return Response(mailbox, status_code=HTTP_202_ACCEPTED)
        reg = outcome.registration
        confirmed = reg.status == Status.CONFIRMED
        created = RegistrationCreated(
            id=reg.id,
            status=reg.status,
            manage_url=services.manage_url(reg),
            waitlist_position=outcome.waitlist_position,
            ticket_code=(await tickets.issue(forum, reg)).code if confirmed else None,
        )
        return Response(created, status_code=HTTP_201_CREATED)


class RegistrationAdminAPI(Controller):
    """The organizer's list and decisions, mounted in the /api router."""

    path = "/forums/{slug:str}/registrations"
    tags = ("registration",)

    @get("/")
    async def list_all(
        self,
        request: Request,
        slug: FromPath[str],
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
        status: FromQuery[str] = "",
        category: FromQuery[str] = "",
        q: FromQuery[str] = "",
    ) -> list[RegistrationOut]:
        forum = forum_of(request)
        filters = services.Filters(status=status, category=category, q=q)
        rows, _more = await services.browse(
            forum, filters, limit=limit, offset=offset, by=actor(request)
        )
        return [registration_out(forum, row) for row in rows]

    @post("/{registration_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def decide(
        self,
        request: Request,
        slug: FromPath[str],
        registration_id: FromPath[int],
        action: FromPath[str],
    ) -> RegistrationOut:
        forum = forum_of(request)
        registration = await services.decide(
            forum, registration_id, action, by="organizer", actor=actor(request)
        )
        return await _one(forum, registration)


class TicketAPI(Controller):
    """The attendee's own calls, by the ticket's private token (in /api)."""

    path = "/tickets/{token:str}"
    opt = {"role": PUBLIC}  # noqa: RUF012 - Litestar's controller option
    tags = ("registration",)

    @post("/cancel", status_code=HTTP_200_OK)
    async def cancel(self, token: FromPath[str]) -> StatusOut:
        forum, registration = await services.by_token(token)
        await services.cancel(forum, registration, by="attendee")
        return StatusOut(id=registration.id, status=registration.status, waitlist_position=None)
