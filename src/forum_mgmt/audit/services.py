"""Recording and reading the access trail of a forum.

`record` is called once per organizer or staff action that reads personal data in bulk
or changes it, by the service that does the action. What is written is never a personal
value: who acted (account, token), when, an action code, how many people and which
registration ids. Check-ins are not written here: the hot path keeps its one insert, and
the check-in rows (which say who scanned and who undid) are read back as a source
registered at start-up (`register_source`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser
from piccolo.custom_types import Combinable

from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.audit.tables import AccessEntry
from forum_mgmt.core import time
from forum_mgmt.core.i18n import N_
from forum_mgmt.forums.tables import Forum

# One registry of the actions the trail knows: code -> label (translated where shown).
ACTIONS: dict[str, str] = {
    "registrations.list": N_("Registrations listed"),
    "registrations.export": N_("Registrations exported (CSV)"),
    "registrations.mail": N_("Group message sent"),
    "mail.log": N_("Mail log read"),
    "badges.print": N_("Badges printed"),
    "registration.open": N_("Registration opened"),
    "registration.add": N_("Registration added"),
    "registration.edit": N_("Registration edited"),
    "registration.approve": N_("Registration approved"),
    "registration.reject": N_("Registration rejected"),
    "registration.cancel": N_("Registration cancelled"),
    "registration.promote": N_("Moved up from the waiting list"),
    "checkin.scan": N_("Checked in"),
    "checkin.manual": N_("Checked in by name"),
    "checkin.undo": N_("Check-in undone"),
    "team.invite": N_("Invited to the team"),
    "team.accept": N_("Invitation accepted"),
    "team.role": N_("Role changed"),
    "team.remove": N_("Removed from the team"),
    "team.revoke": N_("Invitation withdrawn"),
    "team.grant": N_("Role given"),
}
SEARCHED = "searched"  # the one detail of a list: that it was a search (never its words)
MAX_PAGE = 200


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in account, and the API token it used (if any). `user_id`
    None is the command line on the server."""

    user_id: int | None
    token_digest: str | None = None  # resolved to the token's id when recorded


COMMAND_LINE = Actor(None)


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    action: str
    user_id: int | None
    token_id: int | None
    count: int
    ids: list[int]
    detail: str = ""
    subject: str = ""  # team changes: whose role (a username, or an invited address)


Source = Callable[[Forum, str, int], Awaitable[list[Entry]]]
_sources: list[tuple[frozenset[str], Source]] = []


def register_source(actions: Iterable[str], source: Source) -> None:
    """Entries kept elsewhere (the check-ins), read into the trail: `source(forum, action,
    limit)` returns the newest `limit` of them, newest first ("" for every action)."""
    codes = frozenset(actions)
    if unknown := codes - ACTIONS.keys():
        raise ValueError(f"unknown actions: {sorted(unknown)}")
    if not any(s is source for _codes, s in _sources):
        _sources.append((codes, source))


async def record(
    forum: Forum,
    actor: Actor,
    action: str,
    *,
    count: int,
    ids: Iterable[int] = (),
    searched: bool = False,
) -> None:
    """One line in the forum's trail; `searched` says the list was a search."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    token_id = None
    if actor.token_digest:
        row = (
            await ApiToken.select(ApiToken.id).where(ApiToken.digest == actor.token_digest).first()
        )
        token_id = row["id"] if row else None
    await AccessEntry.insert(
        AccessEntry(
            forum=forum.id,
            user_id=actor.user_id,
            token_id=token_id,
            action=action,
            people=count,
            ids=sorted(set(ids)),
            detail=SEARCHED if searched else "",
            at=time.now(),
        )
    )


async def entries(
    forum: Forum, *, action: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[Entry], bool]:
    """A page of the trail, newest first, of one action or all; and whether more follow."""
    page = max(1, min(page, MAX_PAGE))
    want = page * per_page + 1
    streams = [await _stored(forum, action, want)]
    for codes, source in _sources:
        if not action or action in codes:
            streams.append(await source(forum, action, want))
    merged = list(heapq.merge(*streams, key=lambda e: e.at, reverse=True))
    start = (page - 1) * per_page
    return merged[start : start + per_page], len(merged) > start + per_page


async def _stored(forum: Forum, action: str, limit: int) -> list[Entry]:
    where: Combinable = AccessEntry.forum == forum.id
    if action:
        where &= AccessEntry.action == action
    rows = (
        await AccessEntry.select()
        .where(where)
        .order_by(AccessEntry.at, ascending=False)
        .order_by(AccessEntry.id, ascending=False)
        .limit(limit)
    )
    return [
        Entry(
            at=r["at"],
            action=r["action"],
            user_id=r["user_id"],
            token_id=r["token_id"],
            count=r["people"],
            ids=json.loads(r["ids"]) if isinstance(r["ids"], str) else r["ids"],
            detail=r["detail"],
        )
        for r in rows
    ]


async def names(found: list[Entry]) -> tuple[dict[int, str], dict[int, str]]:
    """The usernames and token names behind a page of entries."""
    user_ids = {e.user_id for e in found if e.user_id is not None}
    token_ids = {e.token_id for e in found if e.token_id is not None}
    users = (
        await BaseUser.select(BaseUser.id, BaseUser.username).where(
            BaseUser.id.is_in(list(user_ids))
        )
        if user_ids
        else []
    )
    tokens = (
        await ApiToken.select(ApiToken.id, ApiToken.name).where(ApiToken.id.is_in(list(token_ids)))
        if token_ids
        else []
    )
    return {u["id"]: u["username"] for u in users}, {t["id"]: t["name"] for t in tokens}
