"""iCalendar (RFC 5545) files of a forum's agenda and of one session.

Every session keeps one UID for life, carries SEQUENCE and LAST-MODIFIED that move with
each change, and stays in the feed as STATUS:CANCELLED once removed, so that subscribed
calendars update or drop it. Times carry the forum's TZID with one VTIMEZONE per zone.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, Timezone
from icalendar.enums import STATUS

from forum_mgmt.agenda.services import SessionView
from forum_mgmt.core import time
from forum_mgmt.core.i18n import N_, _, localized_pair
from forum_mgmt.exports.services import ids
from forum_mgmt.forums.tables import Forum

PRODID = "-//forum_mgmt//Agenda//EN"
REFRESH = dt.timedelta(hours=1)
KINDS = {
    "opening": N_("Opening"),
    "keynote": N_("Keynote"),
    "panel": N_("Panel"),
    "talk": N_("Talk"),
    "workshop": N_("Workshop"),
    "break": N_("Break"),
}
ROLES = {"moderator": N_("Moderator"), "panelist": N_("Panelist")}


def both(primary: str, local: str) -> str:
    """A name in its two scripts, as calendars show one line, the reader's language first:
    "Opening / 開幕", and for a reader of Chinese "開幕 / Opening"."""
    first, second = localized_pair({"t": primary, "t_local": local}, "t")
    return f"{first} / {second}" if second else first


def calendar(forum: Forum, views: list[SessionView], *, name: str, refresh: bool) -> bytes:
    """A calendar of these sessions; `refresh` marks it as a feed to subscribe to."""
    cal = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        calscale="GREGORIAN",
        # icalendar writes X-WR-CALNAME unescaped: a line break in it would end the line.
        name=" ".join(name.split()),
        description=both(forum.theme, forum.theme_local) or None,
        uid=f"{ids.guid('forum', forum.id)}@{ids.host()}",
        url=ids.public_url(f"/forums/{forum.slug}/agenda"),
    )
    cal.add("X-WR-TIMEZONE", forum.timezone)
    if refresh:
        # RFC 7986 asks for the VALUE parameter; X-PUBLISHED-TTL is Outlook's older spelling.
        cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", "PT1H")
    for view in views:
        cal.add_component(event(forum, view))
    if not views:
        # RFC 5545 wants one component at least; an empty agenda still names its zone.
        cal.add_component(Timezone.from_tzid(forum.timezone))
    cal.add_missing_timezones()
    return cal.to_ical()


def event(forum: Forum, view: SessionView) -> Event:
    s = view.session
    cancelled = s.cancelled_at is not None
    summary = both(s.title, s.title_local)
    if cancelled:
        summary = _("Cancelled: {title}").format(title=summary)
    return Event.new(
        uid=ids.uid(s),
        # Derived from the session, not the clock: every worker renders the same bytes.
        stamp=s.updated_at.astimezone(time.UTC),
        last_modified=s.updated_at.astimezone(time.UTC),
        sequence=s.sequence,
        start=time.local(s.starts_at, forum.timezone),
        end=time.local(s.ends_at, forum.timezone),
        summary=summary,
        description=description(forum, view),
        location=location(forum, view) or None,
        url=ids.session_url(forum.slug, s.id),
        categories=[c for c in (_(KINDS.get(s.kind, s.kind)), _track(view)) if c],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
    )


def _track(view: SessionView) -> str:
    return both(view.track.name, view.track.name_local) if view.track else ""


def location(forum: Forum, view: SessionView) -> str:
    room = both(view.room.name, view.room.name_local) if view.room else ""
    return ", ".join(p for p in (room, both(forum.venue, forum.venue_local)) if p)


def speaker_line(name: str, name_local: str, role: str, organization: str) -> str:
    line = both(name, name_local)
    if role in ROLES:
        line += f" ({_(ROLES[role])})"
    return f"{line}, {organization}" if organization else line


def description(forum: Forum, view: SessionView) -> str:
    s = view.session
    parts = []
    if view.speakers:
        people = [
            speaker_line(sp.name, sp.name_local, role, sp.organization)
            for sp, role in view.speakers
        ]
        parts.append("\n".join([_("Speakers:"), *people]))
    parts += [text for text in (s.abstract, s.abstract_local) if text]
    parts.append(ids.session_url(forum.slug, s.id))
    return "\n\n".join(parts)
