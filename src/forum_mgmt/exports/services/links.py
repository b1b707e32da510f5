"""Links that put the agenda or one session into people's calendars."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode, urlsplit

from forum_mgmt.agenda.services import SessionView
from forum_mgmt.core import i18n, time
from forum_mgmt.exports.services import ical, ids
from forum_mgmt.forums.tables import Forum

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
DETAILS_MAX = 1500  # long query strings are cut by some browsers and proxies


def _utc(instant: dt.datetime, fmt: str) -> str:
    return instant.astimezone(time.UTC).strftime(fmt)


def _query(params: dict[str, str]) -> str:
    # %20 rather than +: Outlook shows a literal + for spaces.
    return urlencode(params, quote_via=quote)


def calendar_links(forum: Forum, view: SessionView | None = None) -> dict[str, str]:
    """The forum's feed (download and webcal:// subscription), or one session's links."""
    lang = "" if i18n.current() == i18n.DEFAULT else f"?lang={i18n.current()}"
    if view is None:
        path = f"/forums/{forum.slug}/agenda.ics"
        address = urlsplit(ids.public_url(path))
        return {"ics": f"{path}{lang}", "webcal": f"webcal://{address.netloc}{path}{lang}"}
    s = view.session
    title = ical.both(s.title, s.title_local)
    details = ical.description(forum, view)[:DETAILS_MAX]
    location = ical.location(forum, view)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(s.starts_at, '%Y%m%dT%H%M%SZ')}/{_utc(s.ends_at, '%Y%m%dT%H%M%SZ')}",
        "details": details,
        "location": location,
        "ctz": forum.timezone,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _utc(s.starts_at, "%Y-%m-%dT%H:%M:%SZ"),
        "enddt": _utc(s.ends_at, "%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": location,
    }
    return {
        "ics": f"/forums/{forum.slug}/sessions/{s.id}.ics{lang}",
        "google": f"{GOOGLE}?{_query(google)}",
        "outlook": f"{OUTLOOK}?{_query(outlook)}",
    }
