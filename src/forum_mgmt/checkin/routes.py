"""The check-in API for scanners and the organizer's live dashboard."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Template

from forum_mgmt.checkin import services
from forum_mgmt.checkin.present import (
    checkin_data_out,
    checkin_out,
    search_out,
    stats_context,
    stats_out,
)
from forum_mgmt.checkin.schemas import (
    CheckinDataOut,
    CheckinOut,
    ScanIn,
    SearchHitOut,
    StatsOut,
    SyncIn,
    SyncOut,
)
from forum_mgmt.core.ids import MAX_ID
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Role


class CheckinAPI(Controller):
    """Mounted in the /api router: staff of the forum (people or device tokens)."""

    path = "/forums/{slug:str}"
    tags = ("checkin",)
    opt = {"role": Role.STAFF}  # noqa: RUF012 - Litestar's controller option

    @post("/checkins", status_code=200)
    async def check_in(
        self, request: Request, slug: FromPath[str], data: JSONBody[ScanIn]
    ) -> CheckinOut:
        forum = forum_of(request)
        decision = await services.check_in(forum, data, by=request.user)
        return checkin_out(decision, forum)

    @post("/checkins/sync", status_code=200)
    async def sync(self, request: Request, slug: FromPath[str], data: JSONBody[SyncIn]) -> SyncOut:
        forum = forum_of(request)
        decisions = await services.sync(forum, data.scans, by=request.user)
        return SyncOut([checkin_out(d, forum) for d in decisions])

    @delete("/checkins/{checkin_id:int}")
    async def undo(self, request: Request, slug: FromPath[str], checkin_id: FromPath[int]) -> None:
        await services.undo(forum_of(request), checkin_id, by=request.user)

    @get("/checkin-data")
    async def data(
        self,
        request: Request,
        slug: FromPath[str],
        session_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> CheckinDataOut:
        forum = forum_of(request)
        return checkin_data_out(await services.checkin_data(forum, session_id), forum)

    @get("/checkin-search")
    async def search(
        self, request: Request, slug: FromPath[str], q: FromQuery[str] = ""
    ) -> list[SearchHitOut]:
        return search_out(await services.search(forum_of(request), q))

    @get("/checkin-stats")
    async def stats(self, request: Request, slug: FromPath[str]) -> StatsOut:
        forum = forum_of(request)
        return stats_out(await services.stats(forum), forum)


class CheckinDashboard(Controller):
    """In the /manage router (organizers): live figures, drawn on the server, refreshed by JS."""

    path = "/forums/{slug:str}/checkin-dashboard"

    @get("/")
    async def page(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        context = stats_context(await services.stats(forum), forum)
        return Template(
            "checkin/dashboard.html",
            context={
                "forum": forum,
                "section": "checkin",
                "audience": await services.audience_today(forum),
                **context,
            },
        )
