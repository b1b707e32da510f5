"""The agenda's change log: each change written with who made it, and read back newest first.

A room, track or speaker is logged as "<kind>_changed" or "<kind>_deleted", without a
session; its details start with ["name", before, after] (the same name twice when it
kept its name) and end with ["sessions", before, after]: the titles of the live sessions
that changed with it (after a change) or that it was taken off (before a deletion).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns.combination import Combinable

from forum_mgmt.agenda.tables import AgendaChange, AgendaSession, Room, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.i18n import localized
from forum_mgmt.forums.tables import Forum

# Session fields whose changes the change log records.
LOGGED = (
    "title",
    "title_local",
    "kind",
    "language",
    "starts_at",
    "ends_at",
    "room",
    "track",
    "capacity",
    "abstract",
    "abstract_local",
)

ITEM_KINDS = {Room: "room", Track: "track", Speaker: "speaker"}


def shown(value: Any, forum: Forum) -> str:
    """A field's value as the log shows it: a time in the forum's zone, nothing as ""."""
    if isinstance(value, dt.datetime):
        return time.local(value, forum.timezone).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


async def _insert(
    forum: Forum, session_id: int | None, by: BaseUser | None, action: str, details: list
) -> None:
    await AgendaChange.insert(
        AgendaChange(
            forum=forum.id,
            session=session_id,
            user=by.id if by else None,
            action=action,
            details=details,
            published=forum.status == "published",
            created_at=time.now(),
        )
    )


async def log_session(
    forum: Forum, session: AgendaSession, by: BaseUser | None, action: str, details: list
) -> None:
    """A session "added", "changed" (a change that changed nothing is not logged), "removed",
    "restored"."""
    if action == "changed" and not details:
        return
    await _insert(forum, session.id, by, action, details)


async def log_item(
    forum: Forum, kind: str, action: str, by: BaseUser | None, details: list
) -> None:
    await _insert(forum, None, by, f"{kind}_{action}", details)


async def live_titles(where: Combinable) -> str:
    """The titles of the live sessions `where` picks, in agenda order."""
    rows = await (
        AgendaSession.select(AgendaSession.title)
        .where(where & AgendaSession.cancelled_at.is_null())
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    return ", ".join(r["title"] for r in rows)


def deleted(name: str, titles: str) -> list:
    """The details of a deleted room, track or speaker."""
    return [["name", name, ""], *([["sessions", titles, ""]] if titles else [])]


async def log_item_change(
    forum: Forum,
    item: Room | Track | Speaker,
    before: dict[str, Any],
    by: BaseUser | None,
    sessions: Combinable,
) -> None:
    changed = [
        [name, shown(old, forum), shown(getattr(item, name), forum)]
        for name, old in before.items()
        if name != "name" and old != getattr(item, name)
    ]
    old_name = before.get("name", item.name)
    if not changed and old_name == item.name:
        return  # saved as it was: nothing to tell
    titles = await live_titles(sessions)
    details = [["name", old_name, item.name], *changed]
    if titles:
        details.append(["sessions", "", titles])
    await log_item(forum, ITEM_KINDS[type(item)], "changed", by, details)


async def list_changes(forum: Forum, *, limit: int = 200) -> list[dict]:
    """The newest changes first, with the session's title (or the room's, track's or
    speaker's name: `subject`, `name`) and the person's name."""
    rows = (
        await AgendaChange.select(
            AgendaChange.action,
            AgendaChange.details,
            AgendaChange.published,
            AgendaChange.created_at,
            AgendaChange.session.id.as_alias("session_id"),
            AgendaChange.session.title.as_alias("title"),
            AgendaChange.session.title_local.as_alias("title_local"),
            AgendaChange.session.cancelled_at.as_alias("cancelled_at"),
            AgendaChange.user.username.as_alias("username"),
        )
        .where(AgendaChange.forum == forum.id)
        .order_by(AgendaChange.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    for row in rows:
        subject, _sep, verb = row["action"].rpartition("_")
        row["subject"], row["verb"] = subject or "session", verb
        row["title"] = localized(row, "title")
        row["name"] = row["title"]
        if subject:
            row["name"] = next((a or b for f, b, a in row["details"] if f == "name"), "")
    return rows
