"""Invitations by e-mail to a team: a single-use link, valid for 7 days, of which only the
SHA-256 is stored. A new person chooses a username and password there; a person with an
account accepts it signed in as that account.

The link's GET only shows the page; accepting is a POST, and the conditional UPDATE that
spends the invitation is the first write of its transaction: two accepts at once, one wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services as accounts
from forum_mgmt.core import i18n, time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, DomainError, Forbidden, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.services import EMAIL
from forum_mgmt.forums.tables import Forum, Organisation, Role
from forum_mgmt.mail import services as mail
from forum_mgmt.teams import queries
from forum_mgmt.teams.services import trail
from forum_mgmt.teams.services.members import Team, add, role_in
from forum_mgmt.teams.tables import TeamEvent, TeamInvitation

VALID_FOR = dt.timedelta(days=7)
TOKEN_PREFIX = "fmt_"  # noqa: S105 - a marker, not a secret
LINK_PATH = "/team-invitation/"


class InvalidInvitation(DomainError):
    status_code, code = 422, "invalid_invitation"


class UnusableInvitation(NotFound):
    code = "invitation_not_usable"


class SpentInvitation(UnusableInvitation):
    status_code, code = 410, "invitation_used"


class ExpiredInvitation(UnusableInvitation):
    status_code, code = 410, "invitation_expired"


class WrongAccount(Forbidden):
    code = "invitation_for_another_account"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(token: str) -> str:
    return f"{get_settings().base_url}{LINK_PATH}{token}"


def _email(address: str) -> str:
    address = address.strip()
    if len(address) > 254 or not EMAIL.fullmatch(address):
        message = _("An email address, such as colleague@example.org.")
        raise InvalidInvitation(message, fields={"email": message})
    return address


async def _account(email: str) -> BaseUser | None:
    """The account of this address, if there is one (addresses compared case-blind)."""
    user_id = await queries.account_by_email(email)
    return await BaseUser.objects().where(BaseUser.id == user_id).first() if user_id else None


async def invite(
    team: Team, *, email: str, role: Role, language: str, by: BaseUser
) -> TeamInvitation:
    """Mail a single-use link to join the team with `role`, valid for 7 days; an earlier open
    invitation of the same address to this team is withdrawn."""
    email = _email(email)
    if language not in i18n.LANGUAGES:
        language = i18n.current()
    account = await _account(email)
    if account is not None and await role_in(team, account.id) is not None:
        raise Conflict(
            _("%(email)s is on the team already: change their role in the list.")
            % {"email": email},
            fields={"email": _("Already on the team.")},
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = time.now()
    invitation = TeamInvitation(
        **{c._meta.name: v for c, v in team.where(TeamInvitation).items()},
        email=email,
        role=role,
        language=language,
        digest=digest(token),
        invited_by=by.id,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    async with transaction():
        await TeamInvitation.update({TeamInvitation.revoked_at: now}).where(
            team.of(TeamInvitation)
            & (TeamInvitation.email == email)
            & TeamInvitation.accepted_at.is_null()
            & TeamInvitation.revoked_at.is_null()
        )
        await invitation.save()
        await trail.record(
            team.where(TeamEvent), trail.INVITE, by=by, invitation_id=invitation.id, role=role
        )
        await mail.enqueue(
            email,
            "team_invitation",
            language=language,
            context=_mail_context(team, role, by, token, invitation.expires_at),
            forum_id=team.forum_id,
        )
    mail.kick()
    return invitation


def _mail_context(team: Team, role: Role, by: BaseUser, token: str, until: dt.datetime) -> dict:
    place = team.place
    base = get_settings().base_url
    url = f"{base}/forums/{place.slug}" if team.forum else f"{base}/"
    zone = team.forum.timezone if team.forum else "Asia/Taipei"
    until_text = time.local(until, zone).strftime("%Y-%m-%d %H:%M")
    return {
        # "forum": what mail/_layout names at the top and bottom of every message
        "forum": {"name": place.name, "name_local": place.name_local, "url": url},
        "kind": team.column,
        "role": str(role),
        "inviter": by.username,
        "accept_url": link(token),
        "accept_until": f"{until_text} ({zone})",
    }


@dataclass(frozen=True)
class Opened:
    """An invitation as its link's page shows it."""

    invitation: TeamInvitation
    team: Team
    account: BaseUser | None  # the existing account of the invited address


async def _team_of(invitation: TeamInvitation) -> Team:
    if invitation.forum is not None:
        forum = await Forum.objects().where(Forum.id == invitation.forum).first()
        return Team(forum=forum)
    organisation = (
        await Organisation.objects().where(Organisation.id == invitation.organisation).first()
    )
    return Team(organisation=organisation)


async def open_invitation(token: str) -> Opened:
    """The usable invitation behind a link; a used, expired or unknown link says which."""
    invitation = None
    if token.startswith(TOKEN_PREFIX) and len(token) <= 100:
        invitation = (
            await TeamInvitation.objects().where(TeamInvitation.digest == digest(token)).first()
        )
    if invitation is None or invitation.revoked_at is not None:
        raise UnusableInvitation(
            _("This invitation link does not work: it is mistyped, or it was withdrawn.")
        )
    if invitation.accepted_at is not None:
        raise SpentInvitation(
            _("This invitation has been accepted already. Sign in to reach the workspace.")
        )
    if invitation.expires_at <= time.now():
        raise ExpiredInvitation(
            _("This invitation has expired. Ask the person who invited you for a new one.")
        )
    return Opened(invitation, await _team_of(invitation), await _account(invitation.email))


async def _spend(invitation: TeamInvitation, user_id: int | None) -> None:
    """The guarding write: the invitation works once, unexpired, unwithdrawn."""
    spent = (
        await TeamInvitation.update(
            {TeamInvitation.accepted_at: time.now(), TeamInvitation.accepted_by: user_id}
        )
        .where(
            (TeamInvitation.id == invitation.id)
            & TeamInvitation.accepted_at.is_null()
            & TeamInvitation.revoked_at.is_null()
            & (TeamInvitation.expires_at > time.now())
        )
        .returning(TeamInvitation.id)
    )
    if not spent:  # accepted twice at once: the other one won
        raise SpentInvitation(_("This invitation has been accepted already."))


async def accept_signed_in(token: str, user: BaseUser) -> Opened:
    """The signed-in person joins the team, if the invitation is for their address."""
    opened = await open_invitation(token)
    if opened.account is None or opened.account.id != user.id:
        raise WrongAccount(wrong_account_message(opened, user))
    async with transaction():
        await _spend(opened.invitation, user.id)
        await add(
            opened.team,
            user,
            Role(opened.invitation.role),
            by=user,
            action=trail.ACCEPT,
        )
    return opened


def wrong_account_message(opened: Opened, user: BaseUser) -> str:
    return _(
        "You are signed in as %(username)s, but this invitation is for %(email)s. "
        "Sign out, then open the link again."
    ) % {"username": user.username, "email": opened.invitation.email}


async def accept_new(token: str, *, username: str, password: str) -> tuple[Opened, BaseUser]:
    """A new account for the invited address, on the team at once; returns it to sign in."""
    opened = await open_invitation(token)
    if opened.account is not None:
        raise Conflict(_("This address has an account already: sign in to accept."))
    accounts.check_password(password)
    async with transaction():
        await _spend(opened.invitation, None)
        user, _password = await accounts.create_user(
            username, password=password, email=opened.invitation.email
        )
        await TeamInvitation.update({TeamInvitation.accepted_by: user.id}).where(
            TeamInvitation.id == opened.invitation.id
        )
        await add(opened.team, user, Role(opened.invitation.role), by=user, action=trail.ACCEPT)
    return opened, user


async def revoke(team: Team, invitation_id: int, *, by: BaseUser) -> None:
    """Withdraw an open invitation of this team: its link stops working."""
    async with transaction():
        withdrawn = (
            await TeamInvitation.update({TeamInvitation.revoked_at: time.now()})
            .where(
                (TeamInvitation.id == invitation_id)
                & team.of(TeamInvitation)
                & TeamInvitation.accepted_at.is_null()
                & TeamInvitation.revoked_at.is_null()
            )
            .returning(TeamInvitation.role)
        )
        if not withdrawn:
            raise NotFound(_("There is no such open invitation."))
        await trail.record(
            team.where(TeamEvent),
            trail.REVOKE,
            by=by,
            invitation_id=invitation_id,
            role=withdrawn[0]["role"],
        )
