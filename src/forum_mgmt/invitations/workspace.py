"""The organizer's invitations page: invite guests (one, or a CSV), see each invitation's
state, send again or withdraw; group codes with their uses. Mounted under /manage."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import CHECKED
from forum_mgmt.core.i18n import LANGUAGES
from forum_mgmt.core.ids import parse_id
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations import services
from forum_mgmt.invitations.services.csvfile import MAX_BYTES
from forum_mgmt.registration import services as registration


async def _page(
    forum: Forum,
    *,
    done: str = "",
    error: DomainError | None = None,
    values: dict | None = None,
    status_code: int = 200,
) -> Template:
    categories = await registration.ensure_categories(forum)
    # invitations are mostly for the categories the public cannot take
    default = next((c for c in categories if not c.public), categories[0])
    return Template(
        "invitations/manage.html",
        context={
            "forum": forum,
            "section": "invitations",
            "categories": categories,
            "default_category": default.id,
            "category_label": registration.category_name,
            "languages": LANGUAGES,
            "default_language": services.forum_language(forum),
            "rows": await services.invitations(forum, categories=categories),
            "codes": await services.codes(forum, categories=categories),
            "done": done,
            "message": error.message if error else "",
            "errors": error.fields if error else {},
            "lines": error.extra.get("lines", []) if error else [],
            "values": values or {},
        },
        status_code=status_code,
    )


def _options(form) -> services.Options:
    return services.Options(
        skip_approval=form.get("skip_approval") in CHECKED,
        skip_quota=form.get("skip_quota") in CHECKED,
    )


class InvitationWorkspace(Controller):
    """/manage/forums/{slug}/invitations and /group-codes (organizers of the forum)."""

    path = "/forums/{slug:str}"

    @get("/invitations")
    async def index(
        self, request: Request, slug: FromPath[str], done: FromQuery[str] = ""
    ) -> Template:
        return await _page(forum_of(request), done=done[:40])

    @post("/invitations", status_code=HTTP_200_OK)
    async def invite(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        try:
            category = await services.category_of(forum, parse_id(form.get("category") or ""))
            await services.invite(
                forum,
                category,
                name=str(form.get("name") or ""),
                email=str(form.get("email") or ""),
                language=str(form.get("language") or ""),
                options=_options(form),
            )
        except DomainError as err:
            values = {k: str(form.get(k) or "") for k in ("name", "email", "language", "category")}
            return await _page(forum, error=err, values=values, status_code=err.status_code)
        return Redirect(f"/manage/forums/{slug}/invitations?done=invited", status_code=303)

    @post("/invitations/upload", status_code=HTTP_200_OK)
    async def upload(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        upload = form.get("file")
        content = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        try:
            category = await services.category_of(forum, parse_id(form.get("category") or ""))
            made = await services.invite_csv(forum, category, content, options=_options(form))
        except DomainError as err:
            return await _page(forum, error=err, status_code=err.status_code)
        return Redirect(
            f"/manage/forums/{slug}/invitations?done=imported-{len(made)}", status_code=303
        )

    @post("/invitations/{invitation_id:int}/resend", status_code=HTTP_200_OK)
    async def resend(
        self, request: Request, slug: FromPath[str], invitation_id: FromPath[int]
    ) -> Redirect:
        await services.resend(forum_of(request), invitation_id)
        return Redirect(f"/manage/forums/{slug}/invitations?done=resent", status_code=303)

    @post("/invitations/{invitation_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke(
        self, request: Request, slug: FromPath[str], invitation_id: FromPath[int]
    ) -> Redirect:
        await services.revoke(forum_of(request), invitation_id)
        return Redirect(f"/manage/forums/{slug}/invitations?done=revoked", status_code=303)

    @post("/group-codes", status_code=HTTP_200_OK)
    async def add_code(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        try:
            category = await services.category_of(forum, parse_id(form.get("category") or ""))
            await services.create_code(
                forum,
                category,
                label=str(form.get("label") or ""),
                max_uses=parse_id(form.get("max_uses") or "") or 0,
                skip_approval=form.get("skip_approval") in CHECKED,
                code=str(form.get("code") or ""),
            )
        except DomainError as err:
            values = {
                f"code_{k}": str(form.get(k) or "")
                for k in ("label", "max_uses", "code", "category")
            }
            return await _page(forum, error=err, values=values, status_code=err.status_code)
        return Redirect(f"/manage/forums/{slug}/invitations?done=code#group-codes", status_code=303)

    @post("/group-codes/{code_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke_code(
        self, request: Request, slug: FromPath[str], code_id: FromPath[int]
    ) -> Redirect:
        await services.revoke_code(forum_of(request), code_id)
        return Redirect(
            f"/manage/forums/{slug}/invitations?done=code-revoked#group-codes", status_code=303
        )
