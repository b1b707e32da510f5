"""Public exports of a published forum: calendar feeds and schedule files.

`/forums/{slug}/sessions/{id}.ics` is served by the session page's handler in
agenda/routes.py: Litestar keeps one handler per path segment, and an int and a str
parameter in the same place shadow each other.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery

from forum_mgmt.core.i18n import _
from forum_mgmt.core.ids import require_id
from forum_mgmt.core.openapi import FEED_RESPONSES
from forum_mgmt.exports import services
from forum_mgmt.exports.schemas import ScheduleFile
from forum_mgmt.forums.services import get_public_forum


def _chosen(value: str | None, missing: str) -> int | None:
    """A feed's track or room: blank is all of them; text that is no id names none (404)."""
    return require_id(value, missing) if value else None


class ExportRoutes(Controller):
    path = "/forums/{slug:str}"
    tags = ("exports",)

    @get("/agenda.ics", name="agenda_ics", media_type="text/calendar", responses=FEED_RESPONSES)
    async def agenda_ics(
        self,
        request: Request,
        slug: FromPath[str],
        track: FromQuery[str | None] = None,
        room: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        forum = await get_public_forum(slug)
        rendered = await services.agenda_calendar(
            forum,
            track=_chosen(track, _("No such track in this forum.")),
            room=_chosen(room, _("No such room in this forum.")),
        )
        return services.respond(rendered, request.headers)

    @get(
        "/schedule.xml", name="schedule_xml", media_type="application/xml", responses=FEED_RESPONSES
    )
    async def schedule_xml(self, request: Request, slug: FromPath[str]) -> Response[bytes]:
        forum = await get_public_forum(slug)
        return services.respond(await services.schedule_file(forum, "xml"), request.headers)

    @get(
        "/schedule.json",
        name="schedule_json",
        responses={
            200: ResponseSpec(
                ScheduleFile, description="C3VOC schedule JSON.", generate_examples=False
            ),
            **FEED_RESPONSES,
        },
    )
    async def schedule_json(self, request: Request, slug: FromPath[str]) -> Response[bytes]:
        forum = await get_public_forum(slug)
        return services.respond(await services.schedule_file(forum, "json"), request.headers)
