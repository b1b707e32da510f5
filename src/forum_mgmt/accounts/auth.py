"""Who is asking: a bearer token (scripts, scanners) or the signed-in session (browsers).

A session opened by a device link is a scanner's: it stands for the token's owner only on
the check-in pages and check-in API of its one forum, and only while the token is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.csrf import generate_csrf_token
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from forum_mgmt.accounts import services
from forum_mgmt.core.i18n import _

SESSION_KEY = "user_id"
DEVICE_KEY = "device"
SESSION_COOKIE = "session"


@dataclass(frozen=True)
class DeviceScope:
    """`request.auth` for a device link's session: what the scanner may reach."""

    forum_id: int
    slug: str
    token_digest: str

    def session(self, user_id: int) -> dict[str, Any]:
        """The session data of a device signed in by the token."""
        return {
            SESSION_KEY: user_id,
            DEVICE_KEY: {
                "scope": "checkin",
                "forum": self.forum_id,
                "slug": self.slug,
                "token": self.token_digest,
            },
        }

    @classmethod
    def of(cls, data: Any) -> DeviceScope | None:
        try:
            if data["scope"] == "checkin":
                return cls(int(data["forum"]), str(data["slug"]), str(data["token"]))
        except (TypeError, KeyError, ValueError):
            pass
        return None

    def covers(self, path: str) -> bool:
        """The scanner page and the check-in API of this forum (checkins, checkin-data, ...)."""
        slug = re.escape(self.slug)
        return (
            re.fullmatch(rf"/checkin/{slug}(/.*)?|/api/forums/{slug}/checkin[-s].*", path)
            is not None
        )


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
        session = connection.scope.get("session")
        if not isinstance(session, dict):  # no cookie, or a store that did not answer
            return AuthenticationResult(user=None, auth=None)
        user_id = session.get(SESSION_KEY)
        if not isinstance(user_id, int):
            return AuthenticationResult(user=None, auth=None)
        if DEVICE_KEY in session:
            return await _device(connection, user_id, DeviceScope.of(session[DEVICE_KEY]))
        user = await services.get_user(user_id)
        return AuthenticationResult(user=user, auth="session" if user else None)


async def _device(
    connection: ASGIConnection, user_id: int, scope: DeviceScope | None
) -> AuthenticationResult:
    """A device session is anonymous elsewhere, and everywhere once its token is revoked
    (each worker remembers a token for a few seconds: services.TOKEN_TTL)."""
    if scope is None or not scope.covers(connection.scope["path"]):
        return AuthenticationResult(user=None, auth=None)
    user = await services.user_for_digest(scope.token_digest)
    if user is None or user.id != user_id:
        return AuthenticationResult(user=None, auth=None)
    return AuthenticationResult(user=user, auth=scope)


# A route whose script needs the token with no form on its page (stars.js asks
# GET /forums/{slug}/my-stars before it posts): its visitor gets the CSRF cookie.
CSRF_COOKIE_OPT = "csrf_cookie"


def csrf_only_with_cookies(csrf_app: ASGIApp, plain_app: ASGIApp, config: CSRFConfig) -> ASGIApp:
    """CSRF protects what a browser's cookies would authorise, so it is skipped for a
    request with a bearer token, and for an API call with no session cookie (which then
    gets its honest 401 from the guard instead of a CSRF 403).

    A visitor's read (no session, no CSRF cookie yet) is answered without a cookie unless
    the page carries the token in a form (or its route asks for it, CSRF_COOKIE_OPT): a
    public page, feed, 304 or static file then stays the same for everyone, fit for a shared
    cache. Every write is checked as before."""

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        cookies = headers.get(b"cookie", b"")
        bearer = headers.get(b"authorization", b"")[:7].lower() == b"bearer "
        session = f"{SESSION_COOKIE}=".encode() in cookies
        cookieless_api = scope.get("path", "").startswith("/api/") and not session
        handler = scope.get("route_handler")
        excluded = handler is not None and handler.opt.get(config.exclude_from_csrf_key)
        if bearer or cookieless_api or excluded:
            await plain_app(scope, receive, send)
        elif (
            scope.get("method") in config.safe_methods
            and not session
            and f"{config.cookie_name}=".encode() not in cookies
        ):
            wanted = handler is not None and bool(handler.opt.get(CSRF_COOKIE_OPT))
            await plain_app(scope, receive, _visitor_send(scope, send, config, wanted=wanted))
        else:
            await csrf_app(scope, receive, send)

    return route


def _visitor_send(scope: Scope, send: Send, config: CSRFConfig, *, wanted: bool) -> Send:
    """A token for the page's forms; its cookie goes out only with a page that shows it (an
    HTML body holding it: the start of the answer waits for its body) or when `wanted`."""
    token = ScopeState.from_scope(scope).csrf_token = generate_csrf_token(config.secret)
    held: HTTPResponseStartEvent | None = None

    def with_cookie(start: HTTPResponseStartEvent) -> HTTPResponseStartEvent:
        cookie = Cookie(
            key=config.cookie_name,
            value=token,
            path=config.cookie_path,
            secure=config.cookie_secure,
            httponly=config.cookie_httponly,
            samesite=config.cookie_samesite,
            domain=config.cookie_domain,
        )
        start.setdefault("headers", [])
        MutableScopeHeaders.from_message(start).add("set-cookie", cookie.to_header(header=""))
        return start

    async def visitor_send(message: Message) -> None:
        nonlocal held
        if message["type"] == "http.response.start":
            if wanted:
                message = with_cookie(message)
            elif _is_html(message):
                held = message
                return
        elif message["type"] == "http.response.body" and held is not None:  # a held page's
            start, held = held, None
            await send(with_cookie(start) if token.encode() in message.get("body", b"") else start)
        await send(message)

    return visitor_send


def _is_html(start: HTTPResponseStartEvent) -> bool:
    return any(
        key.lower() == b"content-type" and value.startswith(b"text/html")
        for key, value in start.get("headers", [])
    )
