"""The guest's pages: an invitation link (register or decline) and a group code's form."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forum_services
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations import services
from forum_mgmt.registration import forms
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.questions import KINDS
from forum_mgmt.registration.tables import Category

PAGE = "invitations/register.html"


def client_address(request: Request) -> str:
    """As registration's form takes it (the server's view of the connection)."""
    return request.client.host if request.client else "unknown"


async def _context(forum: Forum, category: Category, values: dict, **more) -> dict:
    return {
        "forum": forum,
        "category": category,
        "category_label": registration.category_name,
        "values": values,
        "errors": {},
        "message": "",
        "countries": registration.countries(),
        "questions": await registration.questions(forum),
        "kinds": KINDS,
        "workshops": await registration.workshops(forum),
        "open": registration.is_open(forum),
        **more,
    }


class InvitationPages(Controller):
    """Public: the secret in the path is the credential, its hash is what we keep."""

    path = "/invitations/{token:str}"

    @get("/")
    async def form(self, token: FromPath[str]) -> Template:
        opened = await services.open_link(token)
        values = {
            "name": opened.invitation.name,
            "email": opened.invitation.email,
            "session_ids": [],
            "answers": {},
        }
        context = await _context(
            opened.forum, opened.category, values, action=f"/invitations/{quote(token)}"
        )
        context["invitation"] = opened.invitation
        return Template(PAGE, context=context)

    @post("/", status_code=HTTP_200_OK)
    async def submit(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            forum, outcome = await services.register(token, forms.registration_in(form))
        except DomainError as err:
            opened = await services.open_link(token)  # a link used meanwhile answers so
            context = await _context(
                opened.forum,
                opened.category,
                forms.typed(form),
                action=f"/invitations/{quote(token)}",
                errors=err.fields,
                message=err.message,
            )
            context["invitation"] = opened.invitation
            return Template(PAGE, context=context, status_code=err.status_code)
        if isinstance(outcome, registration.Mailbox):
            return Template(
                "registration/check_mailbox.html", context={"forum": forum, "email": outcome.email}
            )
        return Redirect(f"/tickets/{outcome.registration.token}", status_code=303)

    @post("/decline", status_code=HTTP_200_OK)
    async def decline(self, token: FromPath[str]) -> Template:
        forum = await services.decline(token)
        return Template("invitations/declined.html", context={"forum": forum})


class GroupCodePages(Controller):
    """Public: a delegation's sign-up with its group code."""

    path = "/forums/{slug:str}/group"

    @get("/")
    async def ask(self, slug: FromPath[str], code: FromQuery[str] = "") -> Template | Redirect:
        forum = await forum_services.get_public_forum(slug)
        if code.strip():
            return Redirect(f"/forums/{slug}/group/{quote(services.normal(code))}", status_code=303)
        return Template("invitations/group_code.html", context={"forum": forum})

    @get("/{code:str}")
    async def form(self, slug: FromPath[str], code: FromPath[str]) -> Template:
        forum = await forum_services.get_public_forum(slug)
        row, category = await services.usable(forum, code)
        values: dict = {"session_ids": [], "answers": {}}
        context = await _context(
            forum, category, values, action=f"/forums/{slug}/group/{quote(row.code)}", code=row
        )
        return Template(PAGE, context=context)

    @post("/{code:str}", status_code=HTTP_200_OK)
    async def submit(
        self, request: Request, slug: FromPath[str], code: FromPath[str]
    ) -> Template | Redirect:
        forum = await forum_services.get_public_forum(slug)
        row, category = await services.usable(forum, code)
        form = await request.form()
        try:
            outcome = await services.register_with_code(
                forum, row.code, forms.registration_in(form), address=client_address(request)
            )
        except DomainError as err:
            context = await _context(
                forum,
                category,
                forms.typed(form),
                action=f"/forums/{slug}/group/{quote(row.code)}",
                code=row,
                errors=err.fields,
                message=err.message,
            )
            return Template(
                PAGE, context=context, status_code=err.status_code, headers=err.headers or None
            )
        if isinstance(outcome, registration.Mailbox):
            return Template(
                "registration/check_mailbox.html", context={"forum": forum, "email": outcome.email}
            )
        return Redirect(f"/tickets/{outcome.registration.token}", status_code=303)
