"""The tickets API: the forum's public key for scanners."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath

from forum_mgmt.forums.guards import STAFF, forum_of
from forum_mgmt.tickets import keys
from forum_mgmt.tickets.schemas import CheckinKeyOut


class CheckinKeyAPI(Controller):
    path = "/api/forums/{slug:str}"
    tags = ("tickets",)

    @get("/checkin-key", **STAFF)
    async def checkin_key(self, request: Request, slug: FromPath[str]) -> CheckinKeyOut:
        return CheckinKeyOut.of(await keys.forum_key(forum_of(request)))
