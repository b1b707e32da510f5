"""Delivering: a person's pending notices that are due become one outbox mail, exactly once.

The rows are taken by one DELETE ... RETURNING in the transaction that queues the mail, so
a process killed at any moment leaves either the rows (a later run takes them) or the
mail (the outbox sends it), never both and never neither. The mail compares each session
as it is now with what the person last knew: a change undone meanwhile says nothing, and
a person whose every change was undone gets no mail at all. `produce` runs before every
delivery run of the outbox (registered with mail at start-up, see install()).
"""

from __future__ import annotations

import datetime as dt
import logging

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.tables import AgendaSession, Speaker
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail import services as mail
from forum_mgmt.notices.services.people import (
    Person,
    forum_language,
    registrations_told,
    signature,
    speakers_told,
)
from forum_mgmt.notices.tables import PendingNotice
from forum_mgmt.registration.tables import Registration

log = logging.getLogger("forum_mgmt.notices")

TEMPLATE = "agenda_changed"
BATCH = 200  # people per run; the next run takes the rest


async def produce(now: dt.datetime | None = None) -> int:
    """Queue the mail of every person whose notices are due (forums holding theirs wait);
    returns how many mails were queued."""
    now = now or time.now()
    due = await (
        PendingNotice.select(PendingNotice.forum, PendingNotice.registration, PendingNotice.speaker)
        .where(
            (PendingNotice.due_at <= now) & (PendingNotice.forum.notices_held == False)  # noqa: E712 - Piccolo builds SQL from ==
        )
        .distinct()
        .limit(BATCH)
    )
    queued = 0
    for row in due:
        try:
            queued += await tell(row["forum"], Person.of_row(row), now=now)
        except Exception:  # one person's mail must not stop the others'
            log.exception("agenda notice for %s could not be queued", Person.of_row(row).ref)
    return queued


async def tell(forum_id: int, person: Person, *, now: dt.datetime) -> int:
    """Take the person's due rows and queue their one mail; 1 if a mail was queued."""
    async with transaction():
        taken = (
            await PendingNotice.delete()
            .where(person.pending() & (PendingNotice.due_at <= now))
            .returning(*PendingNotice.all_columns())
        )
        if not taken:
            return 0  # another run took them
        forum = await Forum.objects().where(Forum.id == forum_id).first()
        recipient = await _recipient(forum, person) if forum else None
        if forum is None or recipient is None:
            return 0  # opted out, cancelled or anonymised meanwhile: nothing to send
        now_seen = await agenda.snapshots([r["session"] for r in taken])
        titles = await _titles([r["session"] for r in taken])
        changes = [
            change
            for r in sorted(taken, key=lambda r: (r["was_starts_at"], r["session"]))
            if r["session"] in now_seen
            and (change := describe(forum, r, now_seen[r["session"]], titles[r["session"]]))
        ]
        if not changes:
            return 0  # every change was undone before the mail went
        to, language, context = recipient
        context.update(changes=changes, forum=_forum_context(forum), zone=forum.timezone)
        context["opt_out"] = opt_out_url(forum, person)
        await mail.enqueue(to, TEMPLATE, language=language, context=context, forum_id=forum.id)
    return 1


def opt_out_url(forum: Forum, person: Person) -> str:
    return f"{get_settings().base_url}/notices/{person.ref}/{signature(forum, person)}"


def _forum_context(forum: Forum) -> dict:
    return {
        "name": forum.name,
        "name_local": forum.name_local,
        "url": f"{get_settings().base_url}/forums/{forum.slug}",
    }


async def _recipient(forum: Forum, person: Person) -> tuple[str, str, dict] | None:
    """Address, language and links of a person who may still be told; else None."""
    base = get_settings().base_url
    if person.kind == "r":
        reg = await (
            Registration.objects()
            .where(
                (Registration.id == person.id)
                & (Registration.forum == forum.id)
                & registrations_told()
            )
            .first()
        )
        if reg is None:
            return None
        ticket = f"{base}/tickets/{reg.token}"
        context = {"name": reg.name, "name_local": reg.name_local, "ticket": ticket}
        context["feed"] = f"{ticket}/agenda.ics"
        return reg.email, reg.language, context
    speaker = await (
        Speaker.objects()
        .where((Speaker.id == person.id) & (Speaker.forum == forum.id) & speakers_told())
        .first()
    )
    if speaker is None:
        return None
    context = {"name": speaker.name, "name_local": speaker.name_local}
    return speaker.email, forum_language(forum), {**context, "ticket": None, "feed": None}


async def _titles(session_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = await AgendaSession.select(
        AgendaSession.id, AgendaSession.title, AgendaSession.title_local
    ).where(AgendaSession.id.is_in(session_ids or [0]))
    return {r["id"]: (r["title"], r["title_local"]) for r in rows}


def when(forum: Forum, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A session's time in the forum's zone: 2026-12-05 10:00–11:00."""
    start, end = time.local(starts_at, forum.timezone), time.local(ends_at, forum.timezone)
    tail = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{tail}"


def describe(forum: Forum, was: dict, now: agenda.Snapshot, title: tuple[str, str]) -> dict | None:
    """What changed for the person in one session since they last knew it; None: nothing."""
    old_time = when(forum, was["was_starts_at"], was["was_ends_at"])
    new_time = when(forum, now.starts_at, now.ends_at)
    old_room = (was["was_room_name"], was["was_room_name_local"])
    new_room = (now.room, now.room_local)
    moved_room = was["was_room"] != now.room_id or old_room != new_room
    cancelled = now.cancelled and not was["was_cancelled"]
    restored = was["was_cancelled"] and not now.cancelled
    if now.cancelled and not cancelled:
        return None  # cancelled before, cancelled still: nothing new to go to
    if not (cancelled or restored or old_time != new_time or moved_room):
        return None
    return {
        "session_id": was["session"],
        "title": title[0],
        "title_local": title[1],
        "url": f"{get_settings().base_url}/forums/{forum.slug}/sessions/{was['session']}",
        "cancelled": cancelled,
        "restored": restored,
        "time": [old_time, new_time] if old_time != new_time or restored or cancelled else None,
        "time_changed": old_time != new_time,
        "room": [list(old_room), list(new_room)],
        "room_changed": moved_room,
    }
