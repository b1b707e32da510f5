"""create_app(): the routers, error handling, templates and the interface language."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from litestar import Litestar, MediaType, Request, Response, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from forum_mgmt.accounts.auth import SESSION_COOKIE, AuthMiddleware, csrf_only_with_cookies
from forum_mgmt.accounts.routes import LoginPages, TokenPages
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.routes import AgendaAdminAPI, AgendaAPI, AgendaPages
from forum_mgmt.agenda.workspace import GridPages, ImportPages, ItemPages, SessionPages
from forum_mgmt.audit import services as audit
from forum_mgmt.audit.routes import AccessLogPages
from forum_mgmt.checkin.pages import DeviceLink, ScannerPages
from forum_mgmt.checkin.routes import CheckinAPI, CheckinDashboard
from forum_mgmt.checkin.services import trail as checkin_trail
from forum_mgmt.core import db, i18n
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.ids import ids_in_range
from forum_mgmt.core.language import choose as choose_language
from forum_mgmt.core.language import language_middleware
from forum_mgmt.core.sessions import LazySessionConfig
from forum_mgmt.core.settings import ROOT, get_settings
from forum_mgmt.core.stores import get_store
from forum_mgmt.core.templating import template_config
from forum_mgmt.exports.routes import ExportRoutes
from forum_mgmt.forums.guards import requires_role
from forum_mgmt.forums.routes import ForumAdminAPI, ForumAPI, ForumPages
from forum_mgmt.forums.tables import Role
from forum_mgmt.forums.workspace import ForumWorkspace
from forum_mgmt.mail import services as mail
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.routes import (
    RegisterPages,
    RegistrationAdminAPI,
    RegistrationAPI,
    RegistrationManagePages,
    TicketAPI,
)
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


def _error(request: Request, status: int, code: str, message: str, **extra) -> Response:
    if _wants_json(request):
        return Response({"error": code, "message": message, **extra}, status_code=status)
    return Template(
        "error.html",
        context={"status": status, "message": message, "fields": extra.get("fields") or {}},
        status_code=status,
    )


def on_domain_error(request: Request, exc: DomainError) -> Response:
    extra = {"fields": exc.fields} if exc.fields else {}
    return _error(request, exc.status_code, exc.code, exc.message, **extra, **exc.extra)


def on_http_error(request: Request, exc: HTTPException) -> Response:
    # Routing errors (404, 405) happen before any middleware: choose the language here too.
    i18n.activate(choose_language(request.scope))
    status = exc.status_code
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
        if fields:
            extra["fields"] = fields
    return _error(request, status, _HTTP_CODES.get(status, "error"), message, **extra)


def on_unexpected(request: Request, exc: Exception) -> Response:
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
    try:
        ok = await db.ping()
    except Exception:  # any database failure means "not healthy", never a 500 page
        log.exception("health check failed")
        ok = False
    return Response({"status": "ok" if ok else "unavailable"}, status_code=200 if ok else 503)


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
        return csrf_only_with_cookies(CSRFMiddleware(app=app, config=config), app)

    return DefineMiddleware(middleware)


def create_app() -> Litestar:
    settings = get_settings()
    ticket_mail.install()  # mail this process sends embeds the ticket's QR
    agenda.register_bookings_count(registration.bookings_of)  # seats against a room's size
    # check-ins are their own trail: the access log and data.json read them from their rows
    audit.register_source(checkin_trail.ACTIONS, checkin_trail.access_trail)
    tickets.register_checkins(checkin_trail.checkins_of)
    sessions = LazySessionConfig(
        key=SESSION_COOKIE,
        max_age=12 * 3600,
        secure=settings.production,
        samesite="lax",
        store="sessions",
    )
    return Litestar(
        route_handlers=[
            # Public: no sign-in.
            ForumPages,
            AgendaPages,
            RegisterPages,
            TicketPages,
            TicketFiles,
            LoginPages,
            ExportRoutes,
            DeviceLink,
            healthz,
            create_static_files_router(path="/static", directories=[ROOT / "static"]),
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
                    TicketWorkspace,
                    CheckinDashboard,
                    RegistrationManagePages,
                    AccessLogPages,
                ],
                include_in_schema=False,
            ),
            Router(
                path="/checkin",
                guards=[requires_role],
                route_handlers=[ScannerPages],
                opt={"role": Role.STAFF},
                include_in_schema=False,
            ),
        ],
        middleware=[
            language_middleware,
            sessions.middleware,
            DefineMiddleware(AuthMiddleware, exclude=["^/static/", "^/healthz$"]),
            _csrf(settings),
        ],
        guards=[ids_in_range],  # runs first: no handler sees an id the database would refuse
        stores={"sessions": get_store("sessions")},
        template_config=template_config(),
        exception_handlers={
            DomainError: on_domain_error,
            HTTPException: on_http_error,
            Exception: on_unexpected,
        },
        openapi_config=OpenAPIConfig(title="forum_mgmt", version="0.1.0", path="/schema"),
        on_startup=[db.open_pool, mail.start_worker],
        on_shutdown=[mail.stop_worker, db.close_pool],
    )
