"""Who is asking: a bearer token (scripts, scanners) or the signed-in session (browsers)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Receive, Scope, Send

from forum_mgmt.accounts import services
from forum_mgmt.core.i18n import _

SESSION_KEY = "user_id"


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


def bearer_skips_csrf(csrf_app: ASGIApp, plain_app: ASGIApp) -> ASGIApp:
    """A request authenticated by a bearer token carries no cookie to forge: no CSRF check."""

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        for key, value in scope.get("headers", []):
            if key == b"authorization" and value[:7].lower() == b"bearer ":
                await plain_app(scope, receive, send)
                return
        await csrf_app(scope, receive, send)

    return route
