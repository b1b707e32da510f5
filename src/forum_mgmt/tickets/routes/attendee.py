"""The attendee's private link, /tickets/{token}: the ticket page and what it links to.

The page lives with tickets, beside its QR code and PDF, and calls registration's services
for what the attendee may change there (details, workshops, stars, cancelling): tickets is
to the right of registration, so it may.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import services as agenda_services
from forum_mgmt.core import i18n, language
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.openapi import FEED_RESPONSES
from forum_mgmt.core.settings import get_settings
from forum_mgmt.exports import services as export_services
from forum_mgmt.notices import services as notices
from forum_mgmt.registration import forms, services
from forum_mgmt.registration.questions import KINDS
from forum_mgmt.tickets import printing, qr
from forum_mgmt.tickets import services as tickets

# Cache-Control on /tickets/ is core/headers.py's: no-store, the address is a private
# link. A reissue changes the image behind the same address; its ETag changes.


class TicketPages(Controller):
    path = "/tickets/{token:str}"

    @get("/", name="ticket")
    async def ticket(
        self, request: Request, token: FromPath[str], saved: FromQuery[str] = ""
    ) -> Template:
        forum, registration = await services.by_token(token)
        if not language.chosen(request.scope):  # the person's own page: their language
            i18n.activate(registration.language)
        return Template(
            "tickets/ticket.html",
            context=await _ticket_context(forum, registration, saved=saved),
            # remembered on this device, so that the forum's pages can offer stars
            cookies=[
                Cookie(
                    key=services.TICKET_COOKIE,
                    value=token,
                    path="/",
                    httponly=True,
                    samesite="lax",
                    max_age=365 * 24 * 3600,
                    secure=get_settings().production,
                )
            ],
        )

    @post("/stars/{session_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def star(
        self,
        request: Request,
        token: FromPath[str],
        session_id: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        """Star or unstar a session for the attendee's own calendar."""
        forum, registration = await services.by_token(token)
        if action == "star":
            await services.star(forum, registration, session_id)
        else:
            await services.unstar(forum, registration, session_id)
        back = str((await request.form()).get("next") or "")
        if not back.startswith(f"/forums/{forum.slug}/") or "//" in back:
            back = f"/tickets/{token}?saved=sessions#my-sessions"
        return Redirect(back, status_code=303)

    @get("/data.json", name="ticket-data")
    async def data(self, token: FromPath[str]) -> Response:
        """The attendee's copy of everything held about them (a private link: kept by no
        cache, and no address of it leaks to another site)."""
        forum, registration = await services.by_token(token)
        body = await tickets.personal_data(forum, registration)
        return Response(
            body,
            media_type="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="my-data.json"',
            },
        )

    @get(
        "/agenda.ics",
        name="ticket-calendar",
        media_type="text/calendar",
        responses=FEED_RESPONSES,
    )
    async def calendar(self, request: Request, token: FromPath[str]) -> Response[bytes]:
        """The attendee's booked and starred sessions, subscribable."""
        forum, registration = await services.by_token(token)
        with i18n.language(registration.language):  # the person's, whoever's calendar asks
            rendered = await export_services.personal_calendar(
                forum,
                owner=registration.id,
                session_ids=await services.my_session_ids(registration),
                changed_at=registration.updated_at,  # moved by every star and booking
            )
        return export_services.respond(rendered, request.headers)

    @post("/language", status_code=HTTP_200_OK)
    async def set_language(self, request: Request, token: FromPath[str]) -> Redirect:
        """The language of the person's mails, page and calendar."""
        _forum, registration = await services.by_token(token)
        chosen = (await request.form()).get("language") or ""
        await services.set_language(registration, chosen)
        return Redirect(f"/tickets/{token}?{urlencode({'lang': chosen})}", status_code=303)

    @post("/", status_code=HTTP_200_OK)
    async def edit(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        forum, registration = await services.by_token(token)
        form = await request.form()
        try:
            await services.update_details(forum, registration, forms.details_in(form), by=None)
        except DomainError as err:
            context = await _ticket_context(forum, registration, saved="")
            context.update(values=forms.typed(form), errors=err.fields, message=err.message)
            return Template("tickets/ticket.html", context=context, status_code=422)
        return Redirect(f"/tickets/{token}?saved=details", status_code=303)

    @post("/sessions/{session_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def session(
        self, token: FromPath[str], session_id: FromPath[int], action: FromPath[str]
    ) -> Redirect:
        forum, registration = await services.by_token(token)
        if action == "book":
            await services.book_session(forum, registration, session_id)
        else:
            await services.drop_session(forum, registration, session_id)
        return Redirect(f"/tickets/{token}?saved=sessions", status_code=303)

    @get("/cancel", name="ticket-cancel")
    async def confirm_cancel(self, token: FromPath[str]) -> Template:
        forum, registration = await services.by_token(token)
        return Template(
            "tickets/cancel.html", context={"forum": forum, "registration": registration}
        )

    @post("/cancel", status_code=HTTP_200_OK)
    async def cancel(self, token: FromPath[str]) -> Redirect:
        forum, registration = await services.by_token(token)
        await services.cancel(forum, registration, by="attendee")
        return Redirect(f"/tickets/{token}?saved=cancelled", status_code=303)


async def _ticket_context(forum, registration, *, saved: str) -> dict:
    row = await services.row_of(forum, registration.id)
    values = {
        **{k: getattr(registration, k) for k in forms.TEXT if hasattr(registration, k)},
        "answers": services.loaded(registration.answers),
    }
    return {
        "forum": forum,
        "category_label": services.category_name,
        "registration": registration,
        "row": row,
        "values": values,
        "errors": {},
        "message": "",
        "saved": saved,
        "countries": services.countries(),
        "questions": await services.questions(forum),
        "kinds": KINDS,
        "workshops": await services.workshops(forum),
        "agenda": (await agenda_services.load_agenda(forum)).sessions,
        "mine": set(mine := await services.my_session_ids(registration)),
        "changes": await notices.recent_changes(forum, mine),
        "starred": set(await services.starred_ids(registration)),
        "feed": export_services.public_url(f"/tickets/{registration.token}/agenda.ics"),
        "category": next(
            c for c in await services.ensure_categories(forum) if c.id == registration.category
        ),
    }


class TicketFiles(Controller):
    """The ticket's QR code and PDF, at sub-paths of the ticket page's address."""

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


def _etag(issued: tickets.Issued, variant: str) -> str:
    # The image depends on the code alone: a reissue (or a new forum key) changes the tag.
    return '"' + hashlib.sha256(f"{variant}:{issued.code}".encode()).hexdigest()[:20] + '"'


def _not_modified(tag: str) -> Response:
    return Response(b"", status_code=304, headers={"ETag": tag})


def _send(request: Request, issued: tickets.Issued, variant: str, make, media_type: str):
    tag = _etag(issued, variant)
    if request.headers.get("if-none-match") == tag:
        return _not_modified(tag)
    return Response(make(), media_type=media_type, headers={"ETag": tag})
