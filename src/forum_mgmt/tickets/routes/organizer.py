"""Tickets for organizers and scanners: reissue, badge PDFs, the forum's public key."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.audit.auth import actor
from forum_mgmt.core.ids import MAX_ID, parse_id
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import keys, printing, services
from forum_mgmt.tickets.schemas import CheckinKeyOut, TicketOut


class CheckinKeyAPI(Controller):
    """Mounted in the /api router: staff of the forum."""

    path = "/forums/{slug:str}"
    tags = ("tickets",)
    opt = {"role": Role.STAFF}  # noqa: RUF012 - Litestar's controller option

    @get("/checkin-key")
    async def checkin_key(self, request: Request, slug: FromPath[str]) -> CheckinKeyOut:
        return CheckinKeyOut.of(await keys.forum_key(forum_of(request)))


class ReissueAPI(Controller):
    """Mounted in the /api router: organizers of the forum."""

    path = "/forums/{slug:str}/registrations"
    tags = ("tickets",)

    @post("/{registration_id:int}/reissue", status_code=HTTP_200_OK)
    async def reissue(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> TicketOut:
        """A new ticket code; the older ones now read `revoked` at the door."""
        return TicketOut.of(await services.reissue_by_id(forum_of(request), registration_id))


class TicketWorkspace(Controller):
    """Mounted in the /manage router (organizers of the forum)."""

    path = "/forums/{slug:str}"

    @get("/badges.pdf", name="badges-pdf")
    async def badges(
        self,
        request: Request,
        slug: FromPath[str],
        layout: FromQuery[Literal["a6", "a4"]] = "a6",
        category: FromQuery[str] = "",
        session: FromQuery[str] = "",
        q: FromQuery[str] = "",
        registration_id: Annotated[int | None, QueryParameter(name="id", ge=1, le=MAX_ID)] = None,
    ) -> Response:
        """Badges of the confirmed registrations the list's filters select, or of one."""
        filters = registration.Filters(category=category, session=parse_id(session), q=q[:200])
        pdf, _count = await printing.badges_pdf(
            forum_of(request),
            filters,
            registration_id=registration_id,
            layout=layout,
            by=actor(request),
        )
        name = f"{slug}-badge-{registration_id}" if registration_id else f"{slug}-badges"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
        )

    @post("/registrations/{registration_id:int}/reissue", status_code=HTTP_200_OK)
    async def reissue(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Redirect:
        await services.reissue_by_id(forum_of(request), registration_id)
        return Redirect(
            f"/manage/forums/{slug}/registrations/{registration_id}?done=reissued",
            status_code=303,
        )
