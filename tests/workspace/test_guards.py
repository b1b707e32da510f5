"""One way to say who may use a route: the guard on three routers, the role in `opt`."""

from __future__ import annotations

import httpx
from litestar import Litestar, Router, get

from forum_mgmt.app import create_app
from forum_mgmt.forums.guards import ROLES, requires_role

GUARDED = ("/api/", "/manage", "/checkin")  # /checkin: the list of a person's scanners
UNGUARDED = {"/checkin/{slug:str}/device"}  # the device link checks its own code


def _handlers():
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            if "OPTIONS" not in handler.http_methods:
                yield route.path, handler


def test_every_signed_in_route_is_guarded_by_the_one_guard_with_a_known_role():
    wrong = []
    for path, handler in _handlers():
        guarded = requires_role in handler.resolve_guards()
        role = handler.opt.get("role")
        if path.startswith(GUARDED) and path not in UNGUARDED:
            if not guarded or role not in ROLES:
                wrong.append(f"{path}: guarded={guarded} role={role!r}")
        elif guarded:
            wrong.append(f"{path}: guarded outside /api, /manage, /checkin")
    assert wrong == []


def test_no_route_handler_spreads_the_guard_itself():
    """The guard sits on the routers only, never on a controller or a handler."""
    for _path, handler in _handlers():
        assert requires_role not in (handler.guards or [])
        owner = handler.owner
        while owner is not None and not isinstance(owner, Litestar | Router):
            assert requires_role not in (owner.guards or []), owner
            owner = owner.owner


async def test_a_route_without_a_role_opens_to_nobody():
    @get("/page")
    async def page() -> str:
        return "secret"

    app = Litestar([Router(path="/manage", guards=[requires_role], route_handlers=[page])])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        response = await client.get("/manage/page")
    assert response.status_code == 403
    assert "secret" not in response.text
