"""Exports of a forum: calendar feeds, schedule files, and the forum as one JSON file.

Feeds are built once per change of the agenda (see cache.py) and answered with ETag and
Last-Modified, so that polling calendars and schedule apps cost two small queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Hashable

import msgspec
from markupsafe import Markup

from forum_mgmt.agenda import services as agenda_services
from forum_mgmt.agenda.schemas import SessionOut, SpeakerOut
from forum_mgmt.core import i18n
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.exports.services import cache, ical, schedule
from forum_mgmt.exports.services.cache import Rendered, respond
from forum_mgmt.exports.services.forum_file import (
    InvalidForumFile,
    export_forum,
    import_forum,
)
from forum_mgmt.exports.services.ids import public_url
from forum_mgmt.exports.services.links import calendar_links
from forum_mgmt.forums.tables import Forum

CALENDAR = "text/calendar"  # Litestar adds "; charset=utf-8" to text types

__all__ = [
    "InvalidForumFile",
    "Rendered",
    "agenda_calendar",
    "calendar_links",
    "export_forum",
    "import_forum",
    "page_part",
    "personal_calendar",
    "public_url",
    "respond",
    "schedule_file",
    "session_calendar",
    "sessions_json",
    "speakers_json",
]


async def agenda_calendar(
    forum: Forum, *, track: int | None = None, room: int | None = None
) -> Rendered:
    """The forum's agenda as a feed, removed sessions kept as cancelled; one track or room."""

    async def build() -> bytes:
        agenda = await agenda_services.load_agenda(forum, include_cancelled=True)
        name = ical.both(forum.name, forum.name_local)
        views = agenda.sessions
        chosen = (
            ("track", track, agenda.tracks, _("No such track in this forum.")),
            ("room", room, agenda.rooms, _("No such room in this forum.")),
        )
        for field, ident, items, missing in chosen:
            if ident is None:
                continue
            item = next((i for i in items if i.id == ident), None)
            if item is None:
                raise NotFound(missing)
            views = [v for v in views if getattr(v.session, field) == ident]
            name = f"{name} · {ical.both(item.name, item.name_local)}"
        return ical.calendar(forum, views, name=name, refresh=True)

    variant = ("agenda.ics", track, room, i18n.current())
    return await cache.cached(
        forum, variant, build, media_type=CALENDAR, filename=f"{forum.slug}.ics"
    )


async def session_calendar(forum: Forum, session_id: int) -> Rendered:
    """One session as a calendar file; a removed session answers as cancelled."""

    async def build() -> bytes:
        agenda = await agenda_services.load_agenda(forum, include_cancelled=True)
        view = next((v for v in agenda.sessions if v.id == session_id), None)
        if view is None:
            raise NotFound(_("This session is not on the agenda."))
        name = ical.both(view.session.title, view.session.title_local)
        return ical.calendar(forum, [view], name=name, refresh=False)

    variant = ("session.ics", session_id, i18n.current())
    return await cache.cached(
        forum, variant, build, media_type=CALENDAR, filename=f"{forum.slug}-{session_id}.ics"
    )


async def personal_calendar(
    forum: Forum, *, owner: int, session_ids: list[int], changed_at: dt.datetime | None = None
) -> Rendered:
    """One attendee's sessions (booked and starred) as a feed; removed ones as cancelled.

    `changed_at`: when the attendee last changed their choice; the feed's Last-Modified is
    never earlier, so a calendar asking If-Modified-Since sees a new star."""
    chosen = frozenset(session_ids)

    async def build() -> bytes:
        agenda = await agenda_services.load_agenda(forum, include_cancelled=True)
        views = [v for v in agenda.sessions if v.id in chosen]
        name = ical.both(forum.name, forum.name_local)
        return ical.calendar(forum, views, name=f"{name} · {_('My sessions')}", refresh=True)

    variant = ("personal.ics", owner, tuple(sorted(chosen)), i18n.current())
    return await cache.cached(
        forum,
        variant,
        build,
        media_type=CALENDAR,
        filename=f"{forum.slug}-mine.ics",
        private=True,  # the attendee's choices, at an address only they know
        changed_at=changed_at,
    )


async def schedule_file(forum: Forum, fmt: str) -> Rendered:
    """The published agenda as frab XML (`xml`) or C3VOC JSON (`json`)."""
    render = {"xml": schedule.schedule_xml, "json": schedule.schedule_json}[fmt]

    async def build() -> bytes:
        return render(forum, await agenda_services.load_agenda(forum))

    media_type = {"xml": "application/xml; charset=utf-8", "json": "application/json"}[fmt]
    return await cache.cached(forum, ("schedule", fmt), build, media_type=media_type)


async def sessions_json(forum: Forum) -> Rendered:
    """The body of the sessions API (`GET /api/forums/{slug}/sessions`), built once per change."""

    async def build() -> bytes:
        agenda = await agenda_services.load_agenda(forum)
        return msgspec.json.encode([SessionOut.of(v, forum.timezone) for v in agenda.sessions])

    return await cache.cached(forum, ("api", "sessions"), build, media_type="application/json")


async def speakers_json(forum: Forum) -> Rendered:
    """The body of the speakers API (`GET /api/forums/{slug}/speakers`)."""

    async def build() -> bytes:
        speakers = await agenda_services.list_speakers(forum)
        return msgspec.json.encode([SpeakerOut.of(sp) for sp in speakers])

    return await cache.kept(forum, ("api", "speakers"), build, media_type="application/json")


async def public_page(
    forum: Forum, variant: Hashable, build: Callable[[], Awaitable[str]], *, minute: bool = False
) -> Rendered:
    """A whole public page for visitors who are not signed in (nothing personal in it),
    built once per change of the agenda (and per minute when it shows what runs now),
    gzipped once. Serve it with `respond(..., revalidate=True)`."""

    async def encoded() -> bytes:
        return (await build()).encode()

    return await cache.cached(
        forum, ("page", variant), encoded, media_type="text/html", minute=minute
    )


async def page_part(
    forum: Forum, variant: Hashable, build: Callable[[], Awaitable[str]], *, minute: bool = False
) -> Markup:
    """A part of a public page (its HTML) built once per change of the agenda, and per
    minute when it shows what runs now. Never a whole page: the page's frame may be
    personal (a signed-in organizer), the agenda is not."""

    async def encoded() -> bytes:
        return (await build()).encode()

    rendered = await cache.cached(
        forum, ("part", variant), encoded, media_type="text/html", minute=minute, compress=False
    )
    return Markup(rendered.body.decode())  # noqa: S704 - our own template's output
