"""Tickets over HTTP: the attendee's QR and PDF, reissue, the organizer's badge PDFs,
and the forum's public key for scanners."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.ids import MAX_ID, parse_id
from forum_mgmt.forums.guards import ORGANIZER, STAFF, forum_of
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import keys, printing, qr, services
from forum_mgmt.tickets.schemas import CheckinKeyOut, TicketOut

# Cache-Control on /tickets/ and /manage is core/headers.py's: no-store, the address is
# a private link. A reissue changes the image behind the same address; its ETag changes.


class CheckinKeyAPI(Controller):
    path = "/api/forums/{slug:str}"
    tags = ("tickets",)

    @get("/checkin-key", **STAFF)
    async def checkin_key(self, request: Request, slug: FromPath[str]) -> CheckinKeyOut:
        return CheckinKeyOut.of(await keys.forum_key(forum_of(request)))


class ReissueAPI(Controller):
    path = "/api/forums/{slug:str}/registrations"
    tags = ("tickets",)

    @post("/{registration_id:int}/reissue", **ORGANIZER, status_code=HTTP_200_OK)
    async def reissue(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> TicketOut:
        """A new ticket code; the older ones now read `revoked` at the door."""
        return TicketOut.of(await services.reissue_by_id(forum_of(request), registration_id))


class TicketFiles(Controller):
    """Beside registration's TicketPages at the same prefix: different sub-paths."""

    path = "/tickets/{token:str}"
    include_in_schema = False

    @get("/qr.svg", name="ticket-qr-svg")
    async def qr_svg(self, request: Request, token: FromPath[str]) -> Response:
        _forum, _reg, issued = await printing.ticket_of(token)
        return _send(request, issued, "svg", lambda: qr.svg(issued.code), "image/svg+xml")

    @get("/qr.png", name="ticket-qr-png")
    async def qr_png(self, request: Request, token: FromPath[str]) -> Response:
        _forum, _reg, issued = await printing.ticket_of(token)
        return _send(request, issued, "png", lambda: qr.png(issued.code), "image/png")

    @get("/ticket.pdf", name="ticket-pdf")
    async def pdf(self, token: FromPath[str]) -> Response:
        # No ETag: the PDF shows the name and the forum's details, which change without
        # a new code; it is made on demand, like a page.
        return Response(
            await printing.ticket_pdf(token),
            media_type="application/pdf",
            headers={"Content-Disposition": 'inline; filename="ticket.pdf"'},
        )


class TicketWorkspace(Controller):
    """Mounted in the /manage router, whose guard reads the role below."""

    path = "/forums/{slug:str}"
    opt = {"role": Role.ORGANIZER}  # noqa: RUF012 - Litestar's controller option

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
            forum_of(request), filters, registration_id=registration_id, layout=layout
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


def _etag(issued: services.Issued, variant: str) -> str:
    # The image depends on the code alone: a reissue (or a new forum key) changes the tag.
    return '"' + hashlib.sha256(f"{variant}:{issued.code}".encode()).hexdigest()[:20] + '"'


def _not_modified(tag: str) -> Response:
    return Response(b"", status_code=304, headers={"ETag": tag})


def _send(request: Request, issued: services.Issued, variant: str, make, media_type: str):
    tag = _etag(issued, variant)
    if request.headers.get("if-none-match") == tag:
        return _not_modified(tag)
    return Response(make(), media_type=media_type, headers={"ETag": tag})
