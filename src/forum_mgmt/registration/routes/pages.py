"""The attendee's pages: the registration form and the private ticket page."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import services as agenda_services
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.settings import get_settings
from forum_mgmt.exports import services as export_services
from forum_mgmt.forums import services as forum_services
from forum_mgmt.registration import services
from forum_mgmt.registration.routes import forms

TICKET_COOKIE = "ticket"


async def _form_context(forum, values: dict, errors: dict, message: str = "") -> dict:
    categories = [c for c in await services.ensure_categories(forum) if c.public]
    return {
        "forum": forum,
        "category_label": services.category_name,
        "values": values,
        "errors": errors,
        "message": message,
        "categories": categories,
        "countries": services.countries(),
        "questions": await services.questions(forum),
        "workshops": await services.workshops(forum),
        "open": services.is_open(forum),
    }


class RegisterPages(Controller):
    path = "/forums/{slug:str}/register"

    @get("/", name="register")
    async def form(self, slug: FromPath[str]) -> Template:
        forum = await forum_services.get_public_forum(slug)
        values = {"category": "attendee", "session_ids": [], "answers": {}}
        context = await _form_context(forum, values, {})
        return Template("registration/register.html", context=context)

    @post("/", status_code=HTTP_200_OK)
    async def submit(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = await forum_services.get_public_forum(slug)
        form = await request.form()
        try:
            outcome = await services.register(forum, forms.registration_in(form))
        except DomainError as err:
            context = await _form_context(forum, forms.typed(form), err.fields, err.message)
            return Template(
                "registration/register.html", context=context, status_code=err.status_code
            )
        return Redirect(f"/tickets/{outcome.registration.token}", status_code=303)


class TicketPages(Controller):
    path = "/tickets/{token:str}"

    @get("/", name="ticket")
    async def ticket(self, token: FromPath[str], saved: FromQuery[str] = "") -> Template:
        forum, registration = await services.by_token(token)
        return Template(
            "registration/ticket.html",
            context=await _ticket_context(forum, registration, saved=saved),
            # remembered on this device, so that the forum's pages can offer stars
            cookies=[
                Cookie(
                    key=TICKET_COOKIE,
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

    @get("/agenda.ics", name="ticket-calendar")
    async def calendar(self, request: Request, token: FromPath[str]) -> Response[bytes]:
        """The attendee's booked and starred sessions, subscribable."""
        forum, registration = await services.by_token(token)
        rendered = await export_services.personal_calendar(
            forum,
            owner=registration.id,
            session_ids=await services.my_session_ids(registration),
            changed_at=registration.updated_at,  # moved by every star and booking
        )
        return export_services.respond(rendered, request.headers)

    @post("/", status_code=HTTP_200_OK)
    async def edit(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        forum, registration = await services.by_token(token)
        form = await request.form()
        try:
            await services.update_details(forum, registration, forms.details_in(form))
        except DomainError as err:
            context = await _ticket_context(forum, registration, saved="")
            context.update(values=forms.typed(form), errors=err.fields, message=err.message)
            return Template("registration/ticket.html", context=context, status_code=422)
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
            "registration/cancel.html", context={"forum": forum, "registration": registration}
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
        "workshops": await services.workshops(forum),
        "agenda": (await agenda_services.load_agenda(forum)).sessions,
        "mine": set(await services.my_session_ids(registration)),
        "starred": set(await services.starred_ids(registration)),
        "feed": export_services.public_url(f"/tickets/{registration.token}/agenda.ics"),
        "category": next(
            c for c in await services.ensure_categories(forum) if c.id == registration.category
        ),
    }
