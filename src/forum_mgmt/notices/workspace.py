"""The organizer's page of agenda change notices waiting: who, how many, which sessions;
hold them while rearranging, or send them now. Mounted in the /manage router."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.forums.guards import forum_of
from forum_mgmt.mail import services as mail
from forum_mgmt.notices import services


class NoticeWorkspace(Controller):
    path = "/forums/{slug:str}/notices"

    @get("/", name="manage-notices")
    async def page(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        return Template(
            "notices/manage.html",
            context={
                "forum": forum,
                "section": "notices",
                "waiting": await services.waiting(forum),
                "done": request.query_params.get("done", ""),
            },
        )

    @post("/hold", status_code=HTTP_200_OK)
    async def hold(self, request: Request, slug: FromPath[str]) -> Redirect:
        held = (await request.form()).get("held") == "1"
        await services.hold(forum_of(request), held=held)
        return Redirect(
            f"/manage/forums/{slug}/notices?done={'held' if held else 'released'}",
            status_code=303,
        )

    @post("/send", status_code=HTTP_200_OK)
    async def send(self, request: Request, slug: FromPath[str]) -> Redirect:
        await services.send_now(forum_of(request))
        mail.kick()  # after the commit: this process's worker delivers them now
        return Redirect(f"/manage/forums/{slug}/notices?done=sent", status_code=303)
