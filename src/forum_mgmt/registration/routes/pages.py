"""The registration form; the private ticket page it leads to is in tickets/routes."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forum_services
from forum_mgmt.registration import forms, services
from forum_mgmt.registration.questions import KINDS


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
        "kinds": KINDS,
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
            outcome = await services.register(
                forum, forms.registration_in(form), address=client_address(request)
            )
        except DomainError as err:
            context = await _form_context(forum, forms.typed(form), err.fields, err.message)
            return Template(
                "registration/register.html",
                context=context,
                status_code=err.status_code,
                headers=err.headers or None,
            )
        if isinstance(outcome, services.Mailbox):
            return Template(
                "registration/check_mailbox.html",
                context={"forum": forum, "email": outcome.email},
            )
        return Redirect(f"/tickets/{outcome.registration.token}", status_code=303)

    @get("/confirm/{code:str}")
    async def confirm_form(self, slug: FromPath[str], code: FromPath[str]) -> Template:
        """Only a button: mail scanners that open links must not confirm anything."""
        forum = await forum_services.get_public_forum(slug)
        registration = await services.pending(forum, code)
        return Template(
            "registration/confirm.html",
            context={"forum": forum, "registration": registration, "code": code},
        )

    @post("/confirm/{code:str}", status_code=HTTP_200_OK)
    async def confirm(self, slug: FromPath[str], code: FromPath[str]) -> Redirect:
        forum = await forum_services.get_public_forum(slug)
        outcome = await services.confirm(forum, code)
        return Redirect(f"/tickets/{outcome.registration.token}", status_code=303)


def client_address(request: Request) -> str:
    """The connection's address, as the server gives it: `forum-mgmt serve` runs uvicorn with
    proxy headers, which takes X-Forwarded-For only from FORWARDED_ALLOW_IPS (default
    127.0.0.1, a proxy on this host); the app itself never reads the header."""
    return request.client.host if request.client else "unknown"
