"""Team pages: a forum's team (its organizers, in the /manage router), an organisation's
members (its organizers), and the public page an invitation's link opens."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts.auth import SESSION_KEY
from forum_mgmt.audit import services as audit
from forum_mgmt.core import i18n, sessions, time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import parse
from forum_mgmt.forums.guards import SIGNED_IN, forum_of
from forum_mgmt.teams import services
from forum_mgmt.teams.schemas import InviteIn, NewAccountIn, RoleIn
from forum_mgmt.teams.services import Team


def landing(user: BaseUser) -> str:
    """Where a person goes once they hold their new role: where signing in sends them
    (accounts/routes.py, DEFAULT_NEXT). The one place to change when that rule changes."""
    return "/manage"


async def _page(
    request: Request,
    team: Team,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "teams/team.html",
        context={
            "team": team,
            "forum": team.forum,
            "section": "team",
            "members": await services.members(team),
            "invitations": await services.pending_invitations(team),
            "events": await services.history(team),
            "values": values or {"role": "staff", "language": i18n.current()},
            "errors": errors or {},
            "done": request.query_params.get("done", ""),
            "me": request.user.id,
            "now": time.now(),
            "tz": team.forum.timezone if team.forum else "Asia/Taipei",
            "actions": audit.ACTIONS,
        },
        status_code=status_code,
    )


async def _invite(request: Request, team: Team) -> Template | Redirect:
    form = dict(await request.form())
    try:
        data = parse(InviteIn, form)
        await services.invite(
            team, email=data.email, role=data.role, language=data.language, by=request.user
        )
    except DomainError as err:
        errors = {**err.fields, "form": err.message}
        return await _page(request, team, values=form, errors=errors, status_code=err.status_code)
    return Redirect(f"{team.page}?done=invited", status_code=303)


async def _role(request: Request, team: Team, user_id: int) -> Redirect:
    data = parse(RoleIn, dict(await request.form()))
    await services.change_role(team, user_id, data.role, by=request.user)
    return Redirect(f"{team.page}?done=changed", status_code=303)


async def _remove(request: Request, team: Team, user_id: int) -> Redirect:
    await services.remove(team, user_id, by=request.user)
    return Redirect(f"{team.page}?done=removed", status_code=303)


async def _revoke(request: Request, team: Team, invitation_id: int) -> Redirect:
    await services.revoke(team, invitation_id, by=request.user)
    return Redirect(f"{team.page}?done=withdrawn", status_code=303)


class TeamPages(Controller):
    """A forum's team, for its organizers (the /manage router's default role)."""

    path = "/forums/{slug:str}/team"

    @get("/", name="team")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        return await _page(request, Team(forum=forum_of(request)))

    @post("/invite", status_code=HTTP_200_OK)
    async def invite(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        return await _invite(request, Team(forum=forum_of(request)))

    @post("/members/{user_id:int}/role")
    async def role(self, request: Request, slug: FromPath[str], user_id: FromPath[int]) -> Redirect:
        return await _role(request, Team(forum=forum_of(request)), user_id)

    @post("/members/{user_id:int}/remove")
    async def remove(
        self, request: Request, slug: FromPath[str], user_id: FromPath[int]
    ) -> Redirect:
        return await _remove(request, Team(forum=forum_of(request)), user_id)

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke(
        self, request: Request, slug: FromPath[str], invitation_id: FromPath[int]
    ) -> Redirect:
        return await _revoke(request, Team(forum=forum_of(request)), invitation_id)


class OrganisationPages(Controller):
    """An organisation's members, for its organizers: anyone signed in reaches the handler,
    which asks the service (`organisation_for`) before anything else."""

    path = "/organisations/{org:str}"
    opt = {"role": SIGNED_IN}  # noqa: RUF012 - Litestar's controller option

    async def _team(self, request: Request, org: str) -> Team:
        return Team(organisation=await services.organisation_for(request.user, org))

    @get("/", name="organisation")
    async def index(self, request: Request, org: FromPath[str]) -> Template:
        return await _page(request, await self._team(request, org))

    @post("/invite", status_code=HTTP_200_OK)
    async def invite(self, request: Request, org: FromPath[str]) -> Template | Redirect:
        return await _invite(request, await self._team(request, org))

    @post("/members/{user_id:int}/role")
    async def role(self, request: Request, org: FromPath[str], user_id: FromPath[int]) -> Redirect:
        return await _role(request, await self._team(request, org), user_id)

    @post("/members/{user_id:int}/remove")
    async def remove(
        self, request: Request, org: FromPath[str], user_id: FromPath[int]
    ) -> Redirect:
        return await _remove(request, await self._team(request, org), user_id)

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke(
        self, request: Request, org: FromPath[str], invitation_id: FromPath[int]
    ) -> Redirect:
        return await _revoke(request, await self._team(request, org), invitation_id)


class InvitationPages(Controller):
    """Public: the page an invitation's link opens, and accepting it (new or signed in)."""

    path = "/team-invitation/{token:str}"

    @get("/", name="team-invitation")
    async def show(self, request: Request, token: FromPath[str]) -> Template:
        opened = await services.open_invitation(token)
        return _invitation_page(request, opened, token)

    @post("/accept", status_code=HTTP_200_OK)
    async def accept(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        if request.user is None:
            return Redirect(f"/login?next=/team-invitation/{token}", status_code=303)
        try:
            await services.accept_signed_in(token, request.user)
        except services.WrongAccount:
            opened = await services.open_invitation(token)
            return _invitation_page(request, opened, token, status_code=403)
        return Redirect(landing(request.user), status_code=303)

    @post("/new", status_code=HTTP_200_OK)
    async def new(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        form = dict(await request.form())
        try:
            data = parse(NewAccountIn, form)
            _opened, user = await services.accept_new(
                token, username=data.username, password=data.password
            )
        except services.UnusableInvitation:
            raise
        except DomainError as err:
            opened = await services.open_invitation(token)
            errors = {**err.fields, "form": err.message}
            values = {"username": form.get("username", "")}
            return _invitation_page(
                request, opened, token, values=values, errors=errors, status_code=err.status_code
            )
        sessions.renew(request, {SESSION_KEY: user.id})
        return Redirect(landing(user), status_code=303)


def _invitation_page(
    request: Request,
    opened: services.Opened,
    token: str,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    user = request.user
    wrong = None
    if user is not None and (opened.account is None or opened.account.id != user.id):
        wrong = services.wrong_account_message(opened, user)
    suggested = opened.invitation.email.split("@", 1)[0]
    return Template(
        "teams/invitation.html",
        context={
            "opened": opened,
            "invitation": opened.invitation,
            "team": opened.team,
            "token": token,
            "wrong_account": wrong,
            "values": values or {"username": suggested},
            "errors": errors or {},
        },
        status_code=status_code,
    )
