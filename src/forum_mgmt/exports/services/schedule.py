"""A forum's published agenda as the schedule formats of conference tools.

frab / C3VOC schedule XML and C3VOC schedule JSON v1 (`../shared/schemas/`), read by
apps such as Giggity and EventFahrplan, video and signage systems. Both are built from
one description of the days, so the two never disagree. Removed sessions are left out:
these formats have no way to say "cancelled".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from forum_mgmt.agenda.services import Agenda, SessionView
from forum_mgmt.core import time
from forum_mgmt.exports.services import ids
from forum_mgmt.exports.services.cache import RELEASE
from forum_mgmt.forums.tables import Forum

JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"
XML_SCHEMA = "https://c3voc.de/schedule/schema.xsd"
TIMESLOT = "00:05"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# A track slug must suit both schemas: JSON ^[a-z0-9_-]+[a-z0-9]$, XSD [a-z][a-z0-9-]+.
_TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")


@dataclass
class _Room:
    name: str
    guid: str
    capacity: int | None = None


@dataclass
class _Day:
    index: int
    date: dt.date
    rooms: dict[str, list[SessionView]] = field(default_factory=dict)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("" when nothing of the text is Latin)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def acronym(forum: Forum) -> str:
    """The forum's slug as the schemas' acronym: no hyphens (JSON), at least 4 characters."""
    return forum.slug.replace("-", "_").ljust(4, "_")


def hhmm(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(instant: dt.datetime, tz: str) -> str:
    return time.local(instant, tz).isoformat(timespec="seconds")


def _room_of(forum: Forum, view: SessionView) -> _Room:
    if view.room is not None:
        return _Room(view.room.name, ids.uid(view.room), view.room.capacity or None)
    # Sessions without a room (a reception, a walk) take place at the venue itself.
    return _Room(forum.venue or forum.name, ids.guid("venue", forum.id))


def _plan(forum: Forum, agenda: Agenda) -> tuple[list[_Room], list[_Day]]:
    """The rooms in use, and the days (each forum day, and any day with a session).

    Only rooms and tracks that hold sessions are listed: their edits bump those sessions,
    which is what tells the cache that a schedule file has changed.
    """
    tz = forum.timezone
    order = {r.id: i for i, r in enumerate(agenda.rooms)}
    used: dict[str, _Room] = {}
    for view in sorted(agenda.sessions, key=lambda v: order.get(v.session.room, len(order))):
        room = _room_of(forum, view)
        used.setdefault(room.name, room)
    dates = {
        forum.starts_on + dt.timedelta(days=n)
        for n in range((forum.ends_on - forum.starts_on).days + 1)
    }
    dates |= {time.local(v.session.starts_at, tz).date() for v in agenda.sessions}
    days = {d: _Day(i, d, {name: [] for name in used}) for i, d in enumerate(sorted(dates), 1)}
    for view in agenda.sessions:
        day = days[time.local(view.session.starts_at, tz).date()]
        day.rooms[_room_of(forum, view).name].append(view)
    return list(used.values()), list(days.values())


def _tracks(agenda: Agenda) -> list[dict[str, str]]:
    used = {v.session.track for v in agenda.sessions}
    tracks = []
    for t in agenda.tracks:
        if t.id in used:
            track = {"name": t.name, "color": t.color}
            if _TRACK_SLUG.match(slug := slugify(t.name)):
                track["slug"] = slug
            tracks.append(track)
    return tracks


def _day_bounds(day: _Day, tz: str) -> tuple[str, str]:
    start, end = time.day_bounds(day.date, tz)
    return _iso(start, tz), _iso(end - dt.timedelta(seconds=1), tz)


def _version(forum: Forum, agenda: Agenda) -> str:
    changes = [forum.updated_at, *(v.session.updated_at for v in agenda.sessions)]
    return max(changes).astimezone(time.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event_slug(forum: Forum, view: SessionView) -> str:
    return f"{acronym(forum)}-{view.id}-{slugify(view.session.title) or 'session'}"


def _language(code: str) -> str:
    return ",".join(code.split("+"))


# C3VOC schedule JSON ------------------------------------------------------------------


def _json_event(forum: Forum, view: SessionView, room: str) -> dict:
    s, tz = view.session, forum.timezone
    return {
        "id": s.id,
        "guid": ids.uid(s),
        "date": _iso(s.starts_at, tz),
        "start": time.local(s.starts_at, tz).strftime("%H:%M"),
        "end": _iso(s.ends_at, tz),
        "duration": hhmm(s.ends_at - s.starts_at),
        "room": room,
        "slug": _event_slug(forum, view),
        "url": ids.session_url(forum.slug, s.id),
        "title": s.title,
        "subtitle": s.title_local,
        "track": view.track.name if view.track else None,
        "type": s.kind,
        "language": _language(s.language),
        "abstract": s.abstract,
        "description": s.abstract_local,
        "persons": [
            {
                "guid": ids.uid(sp),
                "name": sp.name,
                "public_name": sp.name,
                "biography": sp.bio or None,
                "url": ids.public_url(f"/forums/{forum.slug}/speakers/{sp.id}"),
            }
            for sp, _role in view.speakers
        ],
        "links": [],
        "attachments": [],
    }


def schedule_json(forum: Forum, agenda: Agenda) -> bytes:
    """C3VOC schedule JSON v1 of the published sessions."""
    rooms, days = _plan(forum, agenda)
    tz = forum.timezone
    json_days = []
    for day in days:
        start, end = _day_bounds(day, tz)
        json_days.append(
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": start,
                "day_end": end,
                "rooms": {
                    name: [_json_event(forum, v, name) for v in views]
                    for name, views in day.rooms.items()
                },
            }
        )
    document = {
        "$schema": JSON_SCHEMA,
        "generator": {"name": "forum_mgmt", "version": RELEASE},
        "schedule": {
            "version": _version(forum, agenda),
            "base_url": ids.public_url("/"),
            "conference": {
                "acronym": acronym(forum),
                "title": forum.name,
                "start": days[0].date.isoformat(),
                "end": days[-1].date.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": tz,
                "url": ids.public_url(f"/forums/{forum.slug}"),
                "tracks": _tracks(agenda),
                "rooms": [{"name": r.name, "guid": r.guid, "capacity": r.capacity} for r in rooms],
                "days": json_days,
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"


# frab / C3VOC schedule XML ------------------------------------------------------------


# What XML 1.0 cannot carry at all; ElementTree would write it and leave the file
# ill-formed. Input refuses these (core/text.py); this keeps rows stored before that safe.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in attrs.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _xml_event(parent: ET.Element, forum: Forum, view: SessionView, room: str) -> None:
    s, tz = view.session, forum.timezone
    ev = _sub(parent, "event", guid=ids.uid(s), id=str(s.id))
    _sub(ev, "room", room)
    _sub(ev, "title", s.title)
    _sub(ev, "subtitle", s.title_local)
    _sub(ev, "type", s.kind)
    _sub(ev, "date", _iso(s.starts_at, tz))
    _sub(ev, "start", time.local(s.starts_at, tz).strftime("%H:%M"))
    _sub(ev, "duration", hhmm(s.ends_at - s.starts_at))
    _sub(ev, "abstract", s.abstract)
    _sub(ev, "slug", _event_slug(forum, view))
    _sub(ev, "track", view.track.name if view.track else "")
    persons = _sub(ev, "persons")
    for sp, _role in view.speakers:
        _sub(persons, "person", sp.name, id=str(sp.id), guid=ids.uid(sp))
    _sub(ev, "language", _language(s.language))
    _sub(ev, "description", s.abstract_local)
    _sub(ev, "links")
    _sub(ev, "attachments")
    _sub(ev, "url", ids.session_url(forum.slug, s.id))


def schedule_xml(forum: Forum, agenda: Agenda) -> bytes:
    """frab / C3VOC schedule XML of the published sessions."""
    rooms, days = _plan(forum, agenda)
    tz = forum.timezone
    root = ET.Element("schedule", {f"{{{_XSI}}}noNamespaceSchemaLocation": XML_SCHEMA})
    _sub(root, "generator", name="forum_mgmt", version=RELEASE)
    _sub(root, "url", ids.public_url(f"/forums/{forum.slug}/schedule.xml"))
    _sub(root, "version", _version(forum, agenda))
    conference = _sub(root, "conference")
    _sub(conference, "title", forum.name)
    _sub(conference, "acronym", acronym(forum))
    _sub(conference, "start", days[0].date.isoformat())
    _sub(conference, "end", days[-1].date.isoformat())
    _sub(conference, "days", str(len(days)))
    _sub(conference, "timeslot_duration", TIMESLOT)
    _sub(conference, "base_url", ids.public_url("/"))
    _sub(conference, "url", ids.public_url(f"/forums/{forum.slug}"))
    _sub(conference, "time_zone_name", tz)
    for track in _tracks(agenda):
        _sub(conference, "track", track["name"], **track)
    guids = {r.name: r.guid for r in rooms}
    for day in days:
        start, end = _day_bounds(day, tz)
        xml_day = _sub(
            root, "day", index=str(day.index), date=day.date.isoformat(), start=start, end=end
        )
        for name, views in day.rooms.items():
            xml_room = _sub(xml_day, "room", name=name, guid=guids[name])
            for view in views:
                _xml_event(xml_room, forum, view, name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
