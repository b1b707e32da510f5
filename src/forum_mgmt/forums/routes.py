"""Public forum pages and the read API for forums."""

from __future__ import annotations

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from forum_mgmt.agenda import services as agenda_services
from forum_mgmt.core import time
from forum_mgmt.forums import notice, services
from forum_mgmt.forums.guards import PUBLIC, forum_of
from forum_mgmt.forums.schemas import ForumCreate, ForumOut, ForumPatch, PublishIn
from forum_mgmt.registration import services as registration


class ForumPages(Controller):
    @get("/", name="home")
    async def index(self) -> Template:
        forums = await services.list_public_forums()
        return Template("forums/index.html", context={"forums": forums})

    @get("/forums/{slug:str}", name="forum")
    async def forum(self, request: Request, slug: FromPath[str]) -> Template:
        forum = await services.get_public_forum(slug, viewer=request.user)
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

    @get("/forums/{slug:str}/privacy", name="forum-privacy")
    async def privacy(self, request: Request, slug: FromPath[str]) -> Template:
        forum = await services.get_public_forum(slug, viewer=request.user)
        return Template(
            "forums/privacy.html", context={"forum": forum, "notice": await notice.current(forum)}
        )


class ForumAPI(Controller):
    """The public read API of forums, in the /api router."""

    path = "/forums"
    opt = {"role": PUBLIC}  # noqa: RUF012 - Litestar's controller option
    tags = ("forums",)

    @get("/")
    async def list_forums(self) -> list[ForumOut]:
        return [ForumOut.of(f) for f in await services.list_public_forums()]

    @get("/{slug:str}")
    async def get_forum(self, request: Request, slug: FromPath[str]) -> ForumOut:
        return ForumOut.of(await services.get_public_forum(slug, viewer=request.user))


class ForumAdminAPI(Controller):
    """Organizer writes, mounted in the /api router (a bearer token or the session)."""

    path = "/forums"
    tags = ("forums",)

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, request: Request, data: JSONBody[ForumCreate]) -> ForumOut:
        forum = await services.create_forum_by(
            request.user, data.forum(), organisation=data.organisation
        )
        return ForumOut.of(forum)

    @patch("/{slug:str}")
    async def update(
        self, request: Request, slug: FromPath[str], data: JSONBody[ForumPatch]
    ) -> ForumOut:
        return ForumOut.of(await services.update_forum(forum_of(request), data))

    @post("/{slug:str}/publish", status_code=HTTP_200_OK)
    async def publish(
        self, request: Request, slug: FromPath[str], data: JSONBody[PublishIn | None] = None
    ) -> ForumOut:
        """Publish the forum. When public texts lack one of its languages it answers 409
        with `missing` listing them, unless `accept_fallback` is true."""
        accept = data.accept_fallback if data is not None else False
        return ForumOut.of(
            await registration.coverage.publish(forum_of(request), accept_fallback=accept)
        )

    @post("/{slug:str}/unpublish", status_code=HTTP_200_OK)
    async def unpublish(self, request: Request, slug: FromPath[str]) -> ForumOut:
        return ForumOut.of(await services.unpublish(forum_of(request)))
