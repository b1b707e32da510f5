"""The attendee's pages: the registration form and the private ticket page."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forum_services
from forum_mgmt.registration import services
from forum_mgmt.registration.routes import forms


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
        )

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
        "public_listing": registration.public_listing,
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
        "category": next(
            c for c in await services.ensure_categories(forum) if c.id == registration.category
        ),
    }
