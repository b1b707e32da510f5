"""The team's trail: who invited, accepted, changed or removed whom, and when. Each change
writes one row of its own (TeamEvent); a forum's access log reads them as a source
registered at start-up (`audit.register_source(ACTIONS, access_trail)` in app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser
from piccolo.custom_types import Combinable

from forum_mgmt.audit.services import Entry
from forum_mgmt.core import db, time
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.teams.tables import TeamEvent, TeamInvitation

INVITE, ACCEPT, ROLE, REMOVE, REVOKE, GRANT = (
    "team.invite",
    "team.accept",
    "team.role",
    "team.remove",
    "team.revoke",
    "team.grant",
)
ACTIONS = (INVITE, ACCEPT, ROLE, REMOVE, REVOKE, GRANT)  # labels: audit.services.ACTIONS


@dataclass(frozen=True)
class Event:
    at: object
    action: str
    by: str | None  # a username; None: the command line
    whom: str  # a username, or the address an invitation went to
    role: str


async def record(
    where: dict,
    action: str,
    *,
    by: BaseUser | None,
    user_id: int | None = None,
    invitation_id: int | None = None,
    role: Role | str = "",
) -> None:
    """One line in the team's trail; `where` is {TeamEvent.forum: id} or {organisation: id}."""
    await db.insert(
        TeamEvent(
            **{column._meta.name: value for column, value in where.items()},
            action=action,
            by_user_id=by.id if by is not None else None,
            user_id=user_id,
            invitation_id=invitation_id,
            role=str(role),
            at=time.now(),
        )
    )


async def _whom(rows: list[dict]) -> tuple[dict[int, str], dict[int, str]]:
    user_ids = {r["by_user_id"] for r in rows} | {r["user_id"] for r in rows}
    user_ids.discard(None)
    invitation_ids = {r["invitation_id"] for r in rows if r["invitation_id"] is not None}
    users = (
        await BaseUser.select(BaseUser.id, BaseUser.username).where(
            BaseUser.id.is_in(list(user_ids))
        )
        if user_ids
        else []
    )
    invitations = (
        await TeamInvitation.select(TeamInvitation.id, TeamInvitation.email).where(
            TeamInvitation.id.is_in(list(invitation_ids))
        )
        if invitation_ids
        else []
    )
    return {u["id"]: u["username"] for u in users}, {i["id"]: i["email"] for i in invitations}


def _name(users: dict[int, str], user_id: int | None) -> str:
    return users.get(user_id, f"#{user_id}") if user_id is not None else ""


async def events(where: Combinable, *, limit: int = 50) -> list[Event]:
    """The newest changes to a team, newest first, with the names of who and whom."""
    rows = (
        await TeamEvent.select()
        .where(where)
        .order_by(TeamEvent.at, ascending=False)
        .order_by(TeamEvent.id, ascending=False)
        .limit(limit)
    )
    users, emails = await _whom(rows)
    return [
        Event(
            at=r["at"],
            action=r["action"],
            by=_name(users, r["by_user_id"]) if r["by_user_id"] is not None else None,
            whom=_name(users, r["user_id"]) or emails.get(r["invitation_id"], ""),
            role=r["role"],
        )
        for r in rows
    ]


async def access_trail(forum: Forum, action: str, limit: int) -> list[Entry]:
    """The newest `limit` changes to this forum's team as access-trail entries, newest first."""
    where: Combinable = TeamEvent.forum == forum.id
    if action:
        where &= TeamEvent.action == action
    rows = (
        await TeamEvent.select()
        .where(where)
        .order_by(TeamEvent.at, ascending=False)
        .order_by(TeamEvent.id, ascending=False)
        .limit(limit)
    )
    users, emails = await _whom(rows)
    return [
        Entry(
            r["at"],
            r["action"],
            r["by_user_id"],
            None,
            1,
            [],
            detail=r["role"],
            subject=_name(users, r["user_id"]) or emails.get(r["invitation_id"], ""),
        )
        for r in rows
    ]
