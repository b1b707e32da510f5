"""Who is asking: a bearer token (scripts, scanners) or the signed-in session (browsers)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Receive, Scope, Send

from forum_mgmt.accounts import services
from forum_mgmt.core.i18n import _

SESSION_KEY = "user_id"
SESSION_COOKIE = "session"


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Sets `request.user` (a BaseUser, or None for anonymous) and `request.auth`."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        if header:
            scheme, _sep, secret = header.partition(" ")
            user = (
                await services.user_for_token(secret.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if user is None:
                raise NotAuthorizedException(_("The API token is missing, wrong or revoked."))
            return AuthenticationResult(user=user, auth="token")
        user_id = connection.scope.get("session", {}).get(SESSION_KEY)
        user = await services.get_user(user_id) if isinstance(user_id, int) else None
        return AuthenticationResult(user=user, auth="session" if user else None)


def csrf_only_with_cookies(csrf_app: ASGIApp, plain_app: ASGIApp) -> ASGIApp:
    """CSRF protects what a browser's cookies would authorise, so it is skipped for a
    request with a bearer token, and for an API call with no session cookie (which then
    gets its honest 401 from the guard instead of a CSRF 403)."""

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        bearer = headers.get(b"authorization", b"")[:7].lower() == b"bearer "
        cookieless_api = scope.get("path", "").startswith("/api/") and (
            f"{SESSION_COOKIE}=".encode() not in headers.get(b"cookie", b"")
        )
        if bearer or cookieless_api:
            await plain_app(scope, receive, send)
        else:
            await csrf_app(scope, receive, send)

    return route
