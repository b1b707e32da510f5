"""Public forum pages and the read API for forums."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from forum_mgmt.agenda import services as agenda_services
from forum_mgmt.core import time
from forum_mgmt.forums import services
from forum_mgmt.forums.schemas import ForumOut


class ForumPages(Controller):
    @get("/", name="home")
    async def index(self) -> Template:
        forums = await services.list_public_forums()
        return Template("forums/index.html", context={"forums": forums})

    @get("/forums/{slug:str}", name="forum")
    async def forum(self, slug: FromPath[str]) -> Template:
        forum = await services.get_public_forum(slug)
        agenda = await agenda_services.load_agenda(forum)
        agenda_services.mark_now_and_next(agenda.sessions, time.now(), forum.timezone)
        highlights = [v for v in agenda.sessions if v.session.kind in ("opening", "keynote")]
        return Template(
            "forums/forum.html",
            context={
                "forum": forum,
                "highlights": highlights,
                "live": [v for v in agenda.sessions if v.state],
                "session_count": len(agenda.sessions),
            },
        )


class ForumAPI(Controller):
    path = "/api/forums"
    tags = ("forums",)

    @get("/")
    async def list_forums(self) -> list[ForumOut]:
        return [ForumOut.of(f) for f in await services.list_public_forums()]

    @get("/{slug:str}")
    async def get_forum(self, slug: FromPath[str]) -> ForumOut:
        return ForumOut.of(await services.get_public_forum(slug))
