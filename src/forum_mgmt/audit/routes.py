"""The forum's access log for its organizers, in the /manage router."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from forum_mgmt.audit import services
from forum_mgmt.forums.guards import forum_of

PER_PAGE = 50


class AccessLogPages(Controller):
    path = "/forums/{slug:str}/access-log"

    @get("/", name="access-log")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        action: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        forum = forum_of(request)
        action = action if action in services.ACTIONS else ""
        page = max(1, min(page, services.MAX_PAGE))
        found, more = await services.entries(forum, action=action, page=page, per_page=PER_PAGE)
        users, tokens = await services.names(found)
        return Template(
            "audit/access_log.html",
            context={
                "forum": forum,
                "section": "access-log",
                "entries": found,
                "more": more,
                "page": page,
                "action": action,
                "actions": services.ACTIONS,
                "users": users,
                "tokens": tokens,
            },
        )
