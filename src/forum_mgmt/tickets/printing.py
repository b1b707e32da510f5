"""Badge and ticket PDFs from the database: who is on them, with their current codes.

Rendering is CPU work of up to half a minute for thousands of badges, so it runs in a
worker thread, never on the event loop (the interface language goes with it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import anyio.to_thread
from babel.dates import format_date

from forum_mgmt.audit import services as audit
from forum_mgmt.audit.services import Actor
from forum_mgmt.core import i18n
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.services.listing import MAX_LIMIT
from forum_mgmt.registration.tables import Registration, Status
from forum_mgmt.tickets import badges, services
from forum_mgmt.tickets.badges import Badge, Layout, Progress


async def confirmed(
    forum: Forum, filters: registration.Filters, *, registration_id: int | None = None
) -> list[registration.Row]:
    """The confirmed registrations the list's filters select (status aside), or one by id."""
    if registration_id is not None:
        row = await registration.row_of(forum, registration_id)
        if row.registration.status != Status.CONFIRMED:
            raise services.NotConfirmed(_("A ticket comes with a confirmed registration."))
        return [row]
    only = dataclasses.replace(filters, status=Status.CONFIRMED)
    rows: list[registration.Row] = []
    while page := await registration.list_registrations(
        forum, only, limit=MAX_LIMIT, after=rows[-1].registration.id if rows else 0
    ):
        rows += page
        if len(page) < MAX_LIMIT:
            break
    return rows


async def badges_pdf(
    forum: Forum,
    filters: registration.Filters,
    *,
    registration_id: int | None = None,
    layout: Layout = "a6",
    progress: Progress | None = None,
    by: Actor,
) -> tuple[bytes, int]:
    """A badge for each selected confirmed registration, its ticket issued where missing
    (recorded in the trail); returns the PDF and how many badges are in it."""
    rows = await confirmed(forum, filters, registration_id=registration_id)
    printed = [row.registration.id for row in rows]
    await audit.record(
        forum, by, "badges.print", count=len(printed), ids=printed, searched=bool(filters.q.strip())
    )
    issued = await services.issue_many(forum, [row.registration for row in rows])
    items = [
        _badge(forum, row.registration, row.category, issued[row.registration.id].code)
        for row in rows
    ]
    render = functools.partial(badges.render, items, layout=layout, progress=progress)
    return await anyio.to_thread.run_sync(render), len(items)


async def ticket_of(token: str) -> tuple[Forum, Registration, services.Issued]:
    """The forum, registration and current ticket behind a private link (NotConfirmed
    unless the registration is confirmed)."""
    forum, reg = await registration.by_token(token)
    return forum, reg, await services.issue(forum, reg)


# A ticket's days, spelled out and unambiguous: "Sun 6 Dec 2026", "2026年12月6日 星期日".
_DAY = {"en": "EEE d MMM y", "zh-TW": "y年M月d日 EEEE"}


def ticket_days(start: dt.date, end: dt.date) -> str:
    """The forum's days in the current language. They are dates in the forum's own zone
    (Forum.starts_on/ends_on are calendar days there), so no instant is converted."""
    lang = i18n.current()
    pattern = _DAY.get(lang, _DAY["en"])
    days = [
        format_date(day, format=pattern, locale=i18n.babel_locale(lang)) for day in (start, end)
    ]
    return days[0] if start == end else " – ".join(days)


async def ticket_pdf(token: str) -> bytes:
    """One printable ticket in the registrant's language (the one they registered in):
    the badge's layout, with the forum's days and venue."""
    forum, reg, issued = await ticket_of(token)
    row = await registration.row_of(forum, reg.id)
    with i18n.language(reg.language):
        venue = i18n.localized(forum, "venue")
        details = " · ".join(
            part for part in (ticket_days(forum.starts_on, forum.ends_on), venue) if part
        )
        badge = dataclasses.replace(_badge(forum, reg, row.category, issued.code), details=details)
        return await anyio.to_thread.run_sync(functools.partial(badges.render, [badge]))


def _badge(forum: Forum, reg: Registration, category: str, code: str) -> Badge:
    return Badge(
        name=reg.name,
        name_local=reg.name_local,
        organization=reg.organization,
        category=category,
        code=code,
        forum_name=forum.name,
        forum_name_local=forum.name_local,
    )
