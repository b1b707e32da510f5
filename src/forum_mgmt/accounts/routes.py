"""Sign-in, sign-out and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services, throttle
from forum_mgmt.accounts.auth import SESSION_KEY
from forum_mgmt.accounts.schemas import LoginIn, ThrottleClearIn, TokenIn
from forum_mgmt.core import sessions
from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.guards import SIGNED_IN, forum_of


def _safe_next(target: str) -> str:
    """Only a path on this site, or "" (then sign-in sends the person to their home, see
    forums.services.home_for): never redirect a signed-in person elsewhere. Browsers drop
    tabs and newlines from a URL and read a backslash as a slash (a tab or a backslash after
    the first slash makes "//evil.example"): only printable ASCII, no backslash, no host."""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and all("!" <= c <= "~" and c != "\\" for c in target)
        and not (parts := urlsplit(target)).scheme
        and not parts.netloc
    ):
        return target
    return ""


class LoginPages(Controller):
    @get("/login", name="login")
    async def login_form(self, next: FromQuery[str] = "") -> Template:
        return Template("accounts/login.html", context={"next": _safe_next(next), "username": ""})

    @post("/login", status_code=HTTP_200_OK)
    async def login(self, request: Request, data: URLEncodedBody[LoginIn]) -> Template | Redirect:
        address = request.client.host if request.client else "unknown"
        try:
            user = await services.authenticate(data.username, data.password, address=address)
        except DomainError as err:
            return Template(
                "accounts/login.html",
                context={
                    "next": _safe_next(data.next),
                    "username": data.username,
                    "error": err.message,
                },
                status_code=err.status_code,
            )
        sessions.renew(request, {SESSION_KEY: user.id})
        return Redirect(_safe_next(data.next) or await forums.home_for(user), status_code=303)

    @get("/logout", name="logout")
    async def logout_form(self) -> Template:
        return Template("accounts/logout.html")

    @post("/logout", status_code=HTTP_200_OK)
    async def logout(self, request: Request) -> Redirect:
        sessions.end(request)
        return Redirect("/", status_code=303)


class TokenPages(Controller):
    """Mounted in the /manage router: anyone signed in manages their own tokens."""

    path = "/tokens"
    opt = {"role": SIGNED_IN}  # noqa: RUF012 - Litestar's controller option

    @get("/", name="tokens")
    async def tokens(self, request: Request) -> Template:
        return await _tokens_page(request.user, secret=None)

    @post("/", status_code=HTTP_200_OK)
    async def create(self, request: Request, data: URLEncodedBody[TokenIn]) -> Template:
        _token, secret = await services.create_token(request.user, data.name)
        return await _tokens_page(request.user, secret=secret)

    @post("/{token_id:int}/revoke")
    async def revoke(self, request: Request, token_id: FromPath[int]) -> Redirect:
        await services.revoke_token(request.user, token_id)
        return Redirect("/manage/tokens", status_code=303)


async def _tokens_page(user: BaseUser, *, secret: str | None) -> Template:
    """The tokens, and the forums to make device links for (checkin/pages.py makes them)."""
    context = {
        "tokens": await services.list_tokens(user),
        "forums": await forums.managed_forums(user),
        "secret": secret,
    }
    return Template("accounts/tokens.html", context=context)


class ThrottlePages(Controller):
    """In the /manage router (organizers of the forum): the sign-in throttles of the
    forum's team, and clearing one (a colleague's typos from the venue's shared address)."""

    path = "/forums/{slug:str}/sign-in-throttles"

    @get("/")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        throttled = await throttle.status(await forums.team_usernames(forum))
        return Template(
            "accounts/throttles.html",
            context={"forum": forum, "throttled": throttled, "section": "throttles"},
        )

    @post("/clear")
    async def clear(
        self, request: Request, slug: FromPath[str], data: URLEncodedBody[ThrottleClearIn]
    ) -> Redirect:
        team = await forums.team_usernames(forum_of(request))
        await throttle.clear(data.username, team=team)
        return Redirect(f"/manage/forums/{slug}/sign-in-throttles?cleared=1", status_code=303)
