"""What the OpenAPI document says an API operation answers when it does not succeed.

Every error leaves the app through the handlers in `app.py` as one JSON body, `ErrorOut`.
Which statuses an operation can answer follows from what it is, so they are added here,
for every route under the API prefix, rather than listed on each handler:

- 400: a body or a parameter that does not parse (Litestar's validation);
- 401: no user on a signed-in route, or an `Authorization` header with a wrong token
  (on any route: the authentication middleware refuses it before the guard);
- 403: a user without the route's role (or a device outside its forum), or a session
  cookie without its CSRF token;
- 404: a path that names something (a slug, an id) that is not there, or not visible;
- 409: a write that conflicts with the state (full, closed, a clash, a duplicate, a
  forum published with texts lacking one of its languages: `missing` lists them);
- 413 and 422: a body too large, or one that parses but breaks a rule.

The role comes from the route's resolved `opt["role"]` (see forums/guards.py); the
plugin is told which role value needs no sign-in. A handler's own `responses` win.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.config.app import AppConfig
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import InitPlugin, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

BEARER = "bearer"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ConflictOut(msgspec.Struct):
    """One clash of an agenda change (agenda/services/clashes.py)."""

    kind: str
    message: str
    session_id: int | None


class RowProblemOut(msgspec.Struct):
    """One refused row of a spreadsheet import."""

    row: int
    errors: dict[str, str]
    clashes: list[str]


class MissingOut(msgspec.Struct):
    """One public text lacking one of the forum's languages (registration/services/coverage.py)."""

    kind: str  # forum, room, track, category, question, session, speaker
    id: int
    field: str
    language: str


class ErrorOut(msgspec.Struct):
    """Every error answer of the API: a stable code for scripts, a message for people."""

    error: str
    message: str
    # Present only when they say something:
    fields: dict[str, str] = msgspec.field(default_factory=dict)  # field -> what is wrong
    conflicts: list[ConflictOut] = msgspec.field(default_factory=list)  # an agenda clash (409)
    rows: list[RowProblemOut] = msgspec.field(default_factory=list)  # an import refused (422)
    # publishing a forum whose texts lack a language, without accept_fallback (409)
    missing: list[MissingOut] = msgspec.field(default_factory=list)


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorOut, description=description, generate_examples=False)


# A calendar or schedule file (exports/services/cache.py) answers a matching
# If-None-Match with 304, and a forum that is not published (a track, a room or a ticket
# that is not there) with 404: an `ErrorOut` when the client accepts JSON.
FEED_RESPONSES = {
    400: _spec("The address does not parse."),
    304: ResponseSpec(None, description="Not modified since the ETag sent."),
    404: _spec("Nothing published of that name (forum, track, room, ticket)."),
}


def error_responses(
    handler: HTTPRouteHandler, path_parameters: Any, *, signed_in: bool
) -> dict[int, ResponseSpec]:
    """The error statuses an operation can answer, each with the one error body."""
    signature = handler.parsed_fn_signature.parameters
    body = "data" in signature
    # Litestar's own test for "may raise a validation error" (_openapi/path_item.py).
    parsed = (
        body
        or bool(path_parameters)
        or any(name not in {"request", "state", "scope", "socket"} for name in signature)
    )
    found: dict[int, str] = {}
    if parsed:
        found[400] = "The body or a parameter does not parse."
    found[401] = (
        "Not signed in, or the API token is wrong or revoked."
        if signed_in
        else "The API token given is wrong or revoked (send none to stay anonymous)."
    )
    if signed_in:
        found[403] = "The user lacks the role this needs, or the CSRF token is missing."
    if path_parameters:
        found[404] = "Nothing of that name or id here (or not visible to you)."
    if handler.http_methods & WRITES:
        found[409] = "The request conflicts with the current state."
    if body:
        found[413] = "The body is too large."
        found[422] = "The body parses but breaks a rule; `fields` names what to fix."
    return {status: _spec(text) for status, text in found.items()}


class ErrorResponses(InitPlugin, ReceiveRoutePlugin):
    """Documents the error answers (and bearer tokens) of every route under `prefix`."""

    def __init__(self, *, prefix: str, public_role: str) -> None:
        self.prefix = prefix
        self.public_role = public_role

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        config = app_config.openapi_config
        if config is not None:
            scheme = SecurityScheme(
                type="http", scheme="bearer", description="An API token of a user."
            )
            extra = Components(security_schemes={BEARER: scheme})
            existing = config.components
            config.components = (
                [*existing, extra]
                if isinstance(existing, list)
                else [
                    existing,
                    extra,
                ]
            )
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(self.prefix):
            return
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            signed_in = handler.opt.get("role") != self.public_role
            found = error_responses(handler, route.path_parameters, signed_in=signed_in)
            handler.responses = {**found, **(handler.responses or {})}
            if signed_in and not handler.security:
                handler.security = [{BEARER: []}]
