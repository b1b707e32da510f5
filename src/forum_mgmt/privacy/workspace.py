"""The organizer's privacy page: when the forum's personal data goes, anonymising a past
forum at once, deleting a forum. Mounted in the /manage router (organizers of the forum)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum
from forum_mgmt.privacy import services


class PrivacyWorkspace(Controller):
    path = "/forums/{slug:str}/privacy"

    @get("/", name="manage-privacy")
    async def page(self, request: Request, slug: FromPath[str]) -> Template:
        return await _page(forum_of(request))

    @post("/anonymise", status_code=HTTP_200_OK)
    async def anonymise(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        try:
            count = await services.purge(forum, confirm=str(form.get("confirm") or ""))
        except DomainError as err:
            return await _page(forum, action="anonymise", error=err)
        return Redirect(f"/manage/forums/{slug}/privacy?anonymised={count}", status_code=303)

    @post("/delete", status_code=HTTP_200_OK)
    async def delete(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        try:
            await services.delete_forum(forum, confirm=str(form.get("confirm") or ""))
        except DomainError as err:
            return await _page(forum, action="delete", error=err)
        return Redirect(f"/manage?deleted={slug}", status_code=303)


async def _page(forum: Forum, *, action: str = "", error: DomainError | None = None) -> Template:
    return Template(
        "privacy/manage.html",
        context={
            "forum": forum,
            "section": "privacy",
            "holding": await services.personal_count(forum),
            "retention_ends": services.retention_ends(forum),
            "ended": services.ended(forum),
            "deletable": forum.status != "published" or services.ended(forum),
            "action": action,
            "error": error,
        },
        status_code=error.status_code if error else 200,
    )
