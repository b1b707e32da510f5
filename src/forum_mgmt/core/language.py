"""Pick each request's interface language: ?lang=, then the remembered cookie, then the browser."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from forum_mgmt.core import i18n

COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def language_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):  # no words there
            await app(scope, receive, send)
            return
        asked = _asked(scope)
        if asked and asked == _remembered(scope):
            asked = None  # already remembered: nothing to set
        token = i18n.activate(choose(scope))

        async def remember(message: Message) -> None:
            if asked and message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers.add(
                    "set-cookie",
                    f"{COOKIE}={asked}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax",
                )
            await send(message)

        try:
            await app(scope, receive, remember)
        finally:
            i18n.deactivate(token)

    return middleware


def choose(scope: Scope) -> str:
    """The language for this request: asked for, remembered, the browser's, or English."""
    return _asked(scope) or _remembered(scope) or _browser(scope) or i18n.DEFAULT


def chosen(scope: Scope) -> bool:
    """Whether the reader chose a language (in the address or remembered by the cookie),
    which then wins over what a page would pick for them (the ticket page: the person's)."""
    return bool(_asked(scope) or _remembered(scope))


def _asked(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang")
    return i18n.normalise(values[-1]) if values else None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _remembered(scope: Scope) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except CookieError:  # a malformed cookie header is not the reader's fault
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel and morsel.value in i18n.LANGUAGES else None


def _browser(scope: Scope) -> str | None:
    return i18n.from_accept_language(_header(scope, b"accept-language"))
