"""Who holds which role on a team (a forum's, or an organisation's members) and changing
it, never leaving a team without an organizer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.table import Table

from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, Forbidden, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, ForumRole, Membership, Organisation, Role
from forum_mgmt.teams import queries
from forum_mgmt.teams.services import trail
from forum_mgmt.teams.tables import TeamEvent, TeamInvitation


class LastOrganizer(Conflict):
    code = "last_organizer"


@dataclass(frozen=True)
class Team:
    """A forum's team or an organisation's members: the same rules for both."""

    forum: Forum | None = None
    organisation: Organisation | None = None

    @property
    def place(self) -> Forum | Organisation:
        place = self.forum or self.organisation
        assert place is not None, "a team of nothing"  # noqa: S101 - a programming error
        return place

    @property
    def members_table(self) -> type[ForumRole] | type[Membership]:
        return ForumRole if self.forum else Membership

    @property
    def column(self) -> str:
        """The members table's column naming the place (and TeamInvitation's, TeamEvent's)."""
        return "forum" if self.forum else "organisation"

    @property
    def page(self) -> str:
        if self.forum:
            return f"/manage/forums/{self.forum.slug}/team"
        return f"/manage/organisations/{self.place.slug}"

    @property
    def forum_id(self) -> int | None:
        """The forum the team's mail is about (its mail log), None for an organisation."""
        return self.forum.id if self.forum else None

    def of(self, table: type[Table]) -> Combinable:
        """`table`'s rows of this team (a members, invitation or event table)."""
        column: Column = getattr(table, self.column)
        return column == self.place.id

    def where(self, table: type[Table]) -> dict[Column, Any]:
        return {getattr(table, self.column): self.place.id}


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    email: str
    role: Role


async def get_organisation(slug: str) -> Organisation:
    org = await Organisation.objects().where(Organisation.slug == slug).first()
    if org is None:
        raise NotFound(_("There is no organisation at this address."))
    return org


async def organisation_for(user: BaseUser, slug: str) -> Organisation:
    """The organisation, if this person is one of its organizers (or an admin); else Forbidden."""
    org = await get_organisation(slug)
    if not user.admin and not await Membership.exists().where(
        (Membership.organisation == org.id)
        & (Membership.user == user.id)
        & (Membership.role == Role.ORGANIZER)
    ):
        raise Forbidden(_("Only the organisation's organizers may manage its members."))
    return org


async def members(team: Team) -> list[Member]:
    """The people on the team, organizers first, then by name."""
    table = team.members_table
    rows = await table.select(
        table.user.id.as_alias("user_id"),
        table.user.username.as_alias("username"),
        table.user.email.as_alias("email"),
        table.role,
    ).where(team.of(table))
    found = [
        Member(r["user_id"], r["username"], _shown_email(r["email"]), Role(r["role"])) for r in rows
    ]
    return sorted(found, key=lambda m: (m.role != Role.ORGANIZER, m.username.lower()))


def _shown_email(email: str) -> str:
    return "" if email.endswith("@users.invalid") else email  # accounts' placeholder address


async def role_in(team: Team, user_id: int) -> Role | None:
    table = team.members_table
    row = await table.select(table.role).where(team.of(table) & (table.user == user_id)).first()
    return Role(row["role"]) if row else None


def _last_organizer() -> LastOrganizer:
    return LastOrganizer(
        _("The team needs at least one organizer: make someone else an organizer first.")
    )


async def change_role(team: Team, user_id: int, role: Role, *, by: BaseUser | None) -> None:
    """Give a member another role; the last organizer stays one (checked by the write)."""
    async with transaction():
        await queries.lock_place(type(team.place), team.place.id)
        changed = await queries.change_role(
            team.members_table, team.column, team.place.id, user_id, role
        )
        if not changed:
            raise _last_organizer() if await role_in(team, user_id) else _no_member()
        await trail.record(team.where(TeamEvent), trail.ROLE, by=by, user_id=user_id, role=role)
    forums.roles_changed()


async def remove(team: Team, user_id: int, *, by: BaseUser | None) -> None:
    """Take a person off the team; never its last organizer (checked by the write)."""
    async with transaction():
        await queries.lock_place(type(team.place), team.place.id)
        removed = await queries.remove_member(
            team.members_table, team.column, team.place.id, user_id
        )
        if not removed:
            raise _last_organizer() if await role_in(team, user_id) else _no_member()
        await trail.record(
            team.where(TeamEvent), trail.REMOVE, by=by, user_id=user_id, role=removed[0]["role"]
        )
    forums.roles_changed()


def _no_member() -> NotFound:
    return NotFound(_("That person is not on this team."))


async def add(team: Team, user: BaseUser, role: Role, *, by: BaseUser | None, action: str) -> Role:
    """Put a person on the team with `role`; one who holds a higher role keeps it. Call it
    inside a transaction; returns the role they hold now."""
    held = await role_in(team, user.id)
    if held is not None and forums.RANK[held] >= forums.RANK[role]:
        # nothing changes, but the trail still says who accepted
        await trail.record(team.where(TeamEvent), action, by=by, user_id=user.id, role=held)
        return held
    if held is not None:
        await change_role(team, user.id, role, by=by)
        return role
    if team.forum:
        await forums.grant(team.forum, user, role)
    else:
        assert team.organisation is not None  # noqa: S101 - Team has one of the two
        await forums.join(team.organisation, user, role)
    await trail.record(team.where(TeamEvent), action, by=by, user_id=user.id, role=role)
    return role


async def set_role(team: Team, user: BaseUser, role: Role, *, by: BaseUser | None) -> None:
    """The command line's grant: this role exactly, for a member or a newcomer."""
    async with transaction():
        if await role_in(team, user.id) is None:
            await add(team, user, role, by=by, action=trail.GRANT)
            return
    await change_role(team, user.id, role, by=by)


async def pending_invitations(team: Team) -> list[TeamInvitation]:
    """Invitations neither accepted nor withdrawn (expired ones too), newest first."""
    return (
        await TeamInvitation.objects()
        .where(
            team.of(TeamInvitation)
            & TeamInvitation.accepted_at.is_null()
            & TeamInvitation.revoked_at.is_null()
        )
        .order_by(TeamInvitation.created_at, ascending=False)
    )


async def history(team: Team, *, limit: int = 30) -> list[trail.Event]:
    """The newest changes to the team, newest first."""
    return await trail.events(team.of(TeamEvent), limit=limit)
