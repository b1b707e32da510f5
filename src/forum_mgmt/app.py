"""create_app(): the routers, error handling, templates and the interface language."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import Litestar, MediaType, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp

from forum_mgmt.accounts.auth import SESSION_COOKIE, AuthMiddleware, csrf_only_with_cookies
from forum_mgmt.accounts.routes import LoginPages, ThrottlePages, TokenPages
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.routes import AgendaAdminAPI, AgendaAPI, AgendaPages
from forum_mgmt.agenda.workspace import GridPages, ImportPages, ItemPages, SessionPages
from forum_mgmt.audit import services as audit
from forum_mgmt.audit.routes import AccessLogPages
from forum_mgmt.checkin.pages import DeviceLink, DeviceLinkMaker, ScannerList, ScannerPages
from forum_mgmt.checkin.routes import CheckinAPI, CheckinDashboard
from forum_mgmt.checkin.services import trail as checkin_trail
from forum_mgmt.core import changes, db, health, i18n, logs, stores, text
from forum_mgmt.core.assets import static_file
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.headers import security_headers
from forum_mgmt.core.i18n import _
from forum_mgmt.core.ids import ids_in_range
from forum_mgmt.core.language import choose as choose_language
from forum_mgmt.core.language import language_middleware
from forum_mgmt.core.openapi import ErrorResponses
from forum_mgmt.core.sessions import LazySessionConfig
from forum_mgmt.core.sessions import unavailable as sessions_unavailable
from forum_mgmt.core.settings import get_settings
from forum_mgmt.core.stores import get_store
from forum_mgmt.core.templating import template_config
from forum_mgmt.exports.routes import ExportRoutes
from forum_mgmt.exports.services import replay
from forum_mgmt.forums.guards import PUBLIC, requires_role
from forum_mgmt.forums.routes import ForumAdminAPI, ForumAPI, ForumPages
from forum_mgmt.forums.tables import Role
from forum_mgmt.forums.workspace import ForumWorkspace
from forum_mgmt.invitations.routes import GroupCodePages, InvitationPages
from forum_mgmt.invitations.workspace import InvitationWorkspace
from forum_mgmt.mail import services as mail
from forum_mgmt.notices import services as notices
from forum_mgmt.notices.routes import NoticeOptOutPages
from forum_mgmt.notices.workspace import NoticeWorkspace
from forum_mgmt.privacy import services as privacy
from forum_mgmt.privacy.routes import ErasureAPI, ErasurePages
from forum_mgmt.privacy.workspace import PrivacyWorkspace
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.routes import (
    RegisterPages,
    RegistrationAdminAPI,
    RegistrationAPI,
    RegistrationManagePages,
    TicketAPI,
)
from forum_mgmt.teams import services as teams
from forum_mgmt.teams.routes import InvitationPages as TeamInvitationPages
from forum_mgmt.teams.routes import OrganisationPages, TeamPages
from forum_mgmt.tickets import mail as ticket_mail
from forum_mgmt.tickets import services as tickets
from forum_mgmt.tickets.routes import (
    CheckinKeyAPI,
    ReissueAPI,
    TicketFiles,
    TicketPages,
    TicketWorkspace,
)

log = logging.getLogger("forum_mgmt")

# Litestar's own HTTP errors, named for scripts the way our domain errors are.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


def _wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _error(
    request: Request, status: int, code: str, message: str, headers=None, **extra
) -> Response:
    if _wants_json(request):
        body = {"error": code, "message": message, **extra}
        return Response(body, status_code=status, headers=headers)
    return Template(
        "error.html",
        context={"status": status, "message": message, "fields": extra.get("fields") or {}},
        status_code=status,
        headers=headers,
    )


def on_domain_error(request: Request, exc: DomainError) -> Response:
    extra = {"fields": exc.fields} if exc.fields else {}
    return _error(
        request,
        exc.status_code,
        exc.code,
        exc.message,
        headers=exc.headers or None,
        **extra,
        **exc.extra,
    )


def on_http_error(request: Request, exc: HTTPException) -> Response:
    # Routing errors (404, 405) happen before any middleware: choose the language here too.
    i18n.activate(choose_language(request.scope))
    status = exc.status_code
    if status == 401 and sessions_unavailable(request):
        # the session cookie could not be read: asking to sign in again would not help
        return on_domain_error(request, stores.unavailable())
    if status == 401 and not _wants_json(request):
        return Redirect(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
    if status == 404:
        message = _("There is nothing at this address.")
    elif status == 405:
        message = _("This address does not accept that method.")
    elif status < 500:
        message = str(exc.detail) if exc.detail else _("The request could not be understood.")
    else:
        message = _("Something went wrong on our side. Please try again.")
    extra = {}
    if status in (400, 422) and isinstance(exc.extra, list):
        # Litestar's validation details name the field and the reason.
        fields = {
            str(e.get("key") or "body"): str(e.get("message"))
            for e in exc.extra
            if isinstance(e, dict)
        }
        refused = _refused_text(fields)
        if refused:
            # Text the input rules refuse (core/text.py): a 422 naming the field.
            status, fields = 422, dict([refused])
            message = f"{refused[0]}: {refused[1]}"
        if fields:
            extra["fields"] = fields
    # Litestar's headers stay: a 405's `Allow` lists the methods the address takes.
    return _error(request, status, _HTTP_CODES.get(status, "error"), message, exc.headers, **extra)


def _refused_text(fields: dict[str, str]) -> tuple[str, str] | None:
    """(field path, reason) when Litestar's error is a TextError, whose message names the
    field inside the Struct Litestar names ("data" for the body itself)."""
    for key, message in fields.items():
        found = text.split(message)
        if found:
            where = "" if key in ("data", "body") else key
            return (f"{where}.{found[0]}" if where else found[0]), found[1]
    return None


def on_recursion(request: Request, exc: RecursionError) -> Response:
    # msgspec gives up on JSON nested deeper than the interpreter's recursion limit (~1,000
    # levels, a 2 kB body): the client's fault, answered as such; any other is our bug.
    if "deserializing" not in str(exc):
        return on_unexpected(request, exc)
    i18n.activate(choose_language(request.scope))
    message = _("The JSON is nested too deeply.")
    return _error(request, 400, "bad_request", message)


def on_unexpected(request: Request, exc: Exception) -> Response:
    if isinstance(exc, db.UNREACHABLE):
        # the database is down or full: not this request's fault, and the proxy should try
        # another host (deploy/nginx: proxy_next_upstream http_503)
        log.error("the database does not answer: %s on %s", exc, request.url.path)
        i18n.activate(choose_language(request.scope))
        message = _("The service is unavailable for a moment. Please try again in a minute.")
        return _error(request, 503, "unavailable", message, headers={"Retry-After": "30"})
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    message = _("Something went wrong on our side. Please try again.")
    if _wants_json(request):
        return Response(
            {"error": "server_error", "message": message},
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return Response(message, status_code=HTTP_500_INTERNAL_SERVER_ERROR, media_type=MediaType.TEXT)


@get("/healthz", include_in_schema=False)
async def healthz() -> Response:
    report = await health.report()
    return Response(report, status_code=200 if report["status"] == "ok" else 503)


# Public writes with no sign-in carry no cookie worth forging.
PUBLIC_POSTS = [r"^/api/forums/[^/]+/registrations$", r"^/api/tickets/"]


def _csrf(settings) -> DefineMiddleware:
    config = CSRFConfig(
        secret=settings.secret_key,
        cookie_secure=settings.production,
        cookie_samesite="lax",
        exclude=PUBLIC_POSTS,
    )

    def middleware(app):
        return csrf_only_with_cookies(CSRFMiddleware(app=app, config=config), app, config)

    return DefineMiddleware(middleware)


class ForumApp(Litestar):
    """Litestar, with the cached public reads answered again in front of it: no routing,
    middleware, handler or hook for the same bytes (exports/services/replay.py)."""

    _front: ASGIApp | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._front is None:
            self._front = replay.middleware(super().__call__)
        await self._front(scope, receive, send)


def create_app() -> Litestar:
    settings = get_settings()
    logs.install()  # uvicorn's access log would write ticket links and device codes
    ticket_mail.install()  # mail this process sends embeds the ticket's QR
    agenda.register_bookings_count(registration.bookings_of)  # seats against a room's size
    agenda.register_audience(registration.expected_of)  # crowding warnings in clash lists
    notices.install()  # a session's change tells its people, batched, through the outbox
    # check-ins are their own trail: the access log and data.json read them from their rows
    audit.register_source(checkin_trail.ACTIONS, checkin_trail.access_trail)
    tickets.register_checkins(checkin_trail.checkins_of)
    audit.register_source(teams.ACTIONS, teams.access_trail)  # team changes: their own rows
    sessions = LazySessionConfig(
        key=SESSION_COOKIE,
        max_age=12 * 3600,
        secure=settings.production,
        samesite="lax",
        store="sessions",
    )
    return ForumApp(
        route_handlers=[
            # Public: no sign-in.
            ForumPages,
            AgendaPages,
            RegisterPages,
            InvitationPages,
            GroupCodePages,
            TicketPages,
            TicketFiles,
            ErasurePages,
            NoticeOptOutPages,
            LoginPages,
            TeamInvitationPages,
            ExportRoutes,
            DeviceLink,
            healthz,
            static_file,  # fingerprinted names, gzipped, from memory (core/assets.py)
            # Each router's guard asks for the role in `opt` (forums/guards.py): its default
            # here unless a controller or handler names another (the API's public reads).
            Router(
                path="/api",
                guards=[requires_role],
                opt={"role": Role.ORGANIZER},
                route_handlers=[
                    ForumAPI,
                    AgendaAPI,
                    RegistrationAPI,
                    TicketAPI,
                    ErasureAPI,
                    ForumAdminAPI,
                    AgendaAdminAPI,
                    RegistrationAdminAPI,
                    ReissueAPI,
                    CheckinKeyAPI,
                    CheckinAPI,
                ],
            ),
            Router(
                path="/manage",
                guards=[requires_role],
                opt={"role": Role.ORGANIZER},
                route_handlers=[
                    ForumWorkspace,
                    ItemPages,
                    SessionPages,
                    GridPages,
                    ImportPages,
                    TokenPages,
                    DeviceLinkMaker,
                    ThrottlePages,
                    TicketWorkspace,
                    CheckinDashboard,
                    RegistrationManagePages,
                    InvitationWorkspace,
                    PrivacyWorkspace,
                    NoticeWorkspace,
                    AccessLogPages,
                    TeamPages,
                    OrganisationPages,
                ],
                include_in_schema=False,
            ),
            Router(
                path="/checkin",
                guards=[requires_role],
                route_handlers=[ScannerList, ScannerPages],
                opt={"role": Role.STAFF},
                include_in_schema=False,
            ),
        ],
        middleware=[
            language_middleware,
            sessions.middleware,
            DefineMiddleware(AuthMiddleware, exclude=["^/healthz$"]),
            _csrf(settings),
        ],
        before_send=[security_headers(production=settings.production)],
        guards=[ids_in_range],  # runs first: no handler sees an id the database would refuse
        stores={"sessions": get_store("sessions")},
        template_config=template_config(),
        exception_handlers={
            DomainError: on_domain_error,
            HTTPException: on_http_error,
            RecursionError: on_recursion,
            Exception: on_unexpected,
        },
        # The document only: the HTML viewers load their scripts from CDNs, which the CSP
        # (and the no-CDN rule) refuse.
        openapi_config=OpenAPIConfig(
            title="forum_mgmt",
            version="0.1.0",
            path="/schema",
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        plugins=[ErrorResponses(prefix="/api/", public_role=PUBLIC)],
        # changes.start: cached public reads cost no query while told of agenda changes
        on_startup=[db.open_pool, changes.start, mail.start_worker, privacy.start_worker],
        on_shutdown=[privacy.stop_worker, mail.stop_worker, changes.stop, db.close_pool],
    )
