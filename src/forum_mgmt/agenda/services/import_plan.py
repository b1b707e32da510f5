"""Planning a spreadsheet import: each row checked into the Struct the API uses, names matched.

The rules are the API's. Rooms and tracks are matched by name and never created (a
misspelt room would split the grid); a session's speakers are matched by name, and a name
the forum does not know yet becomes a new speaker, shared by every row that names it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar

import msgspec

from forum_mgmt.agenda.schemas import SessionIn, SpeakerIn
from forum_mgmt.agenda.services.clashes import Clash
from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.forms import field_error
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum

_NAME_SEPARATORS = re.compile(r"\s*[;；、\n]\s*")
_LANGUAGES = {"en": "en", "zh-tw": "zh-TW", "en+zh-tw": "en+zh-TW"}
# the API's field names as the file's columns
_COLUMN_OF = {
    "starts_at": "start",
    "ends_at": "end",
    "room_id": "room",
    "track_id": "track",
    "speaker_ids": "speakers",
}


@dataclass
class ImportRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # column -> message
    clashes: list[Clash] = field(default_factory=list)
    data: SpeakerIn | SessionIn | None = None
    # sessions: (speaker id, or the key of a new speaker's name; the name as written)
    speakers: list[tuple[int | str, str]] = field(default_factory=list)


@dataclass
class ImportPlan:
    kind: str
    columns: list[str]  # the known columns, in the file's order
    ignored: list[str]  # headers not understood
    rows: list[ImportRow]
    new_speakers: list[str] = field(default_factory=list)  # sessions: names to add

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def has_clashes(self) -> bool:
        return any(r.clashes for r in self.rows)

    def ready(self, *, allow_conflicts: bool) -> bool:
        return bool(self.rows) and not self.has_errors and (allow_conflicts or not self.has_clashes)


def name_key(name: str) -> str:
    """A name as rows and the forum are matched on: case and spacing left out."""
    return " ".join(name.casefold().split())


S = TypeVar("S", bound=msgspec.Struct)


def _convert(values: dict[str, str], struct: type[S]) -> tuple[S | None, dict[str, str]]:
    """The Struct, or every field's error (msgspec stops at the first, so ask again)."""
    values = {k: v for k, v in values.items() if v != ""}
    errors: dict[str, str] = {}
    for _attempt in range(len(struct.__struct_fields__)):
        try:
            data = msgspec.convert(values, struct, strict=False)
            return (None if errors else data), errors
        except msgspec.ValidationError as err:
            (name, message), *_rest = field_error(err).items()
            column = _COLUMN_OF.get(name, name)
            if column in errors or name not in values:
                errors.setdefault(column, message)
                break
            errors[column] = message
            del values[name]
    return None, errors


# Speakers ----------------------------------------------------------------------------


async def plan_speakers(forum: Forum, plan: ImportPlan) -> None:
    """Each row's speaker, or its errors (a name the forum or an earlier row has)."""
    known = {
        name_key(n)
        for row in await Speaker.select(Speaker.name, Speaker.name_local).where(
            Speaker.forum == forum.id
        )
        for n in (row["name"], row["name_local"])
        if n
    }
    for row in plan.rows:
        row.data, row.errors = _convert(row.values, SpeakerIn)
        name = name_key(row.values.get("name", ""))
        if name and name in known and "name" not in row.errors:
            # importing the same file twice must not double the speakers
            row.errors["name"] = _("This speaker is already in the forum or in an earlier row.")
        known.add(name)


# Sessions ----------------------------------------------------------------------------


@dataclass
class Known:
    """The forum's rooms, tracks, speakers and sessions, read once for the whole file."""

    rooms: dict[str, list[int]]
    tracks: dict[str, list[int]]
    speakers: dict[str, list[int]]
    sessions: set[tuple[str, dt.datetime]]  # (title, start): an import run twice
    starts: list[dt.datetime]  # of the live sessions, in order
    reach: list[dt.datetime]  # the latest end among the sessions up to each start


def _by_name(rows: list[dict]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for name in {name_key(r["name"]), name_key(r["name_local"])} - {""}:
            found[name].append(r["id"])
    return found


async def _load(forum: Forum) -> Known:
    rooms = await Room.select(Room.id, Room.name, Room.name_local).where(Room.forum == forum.id)
    tracks = await Track.select(Track.id, Track.name, Track.name_local).where(
        Track.forum == forum.id
    )
    speakers = await Speaker.select(Speaker.id, Speaker.name, Speaker.name_local).where(
        Speaker.forum == forum.id
    )
    live = (
        await AgendaSession.select(
            AgendaSession.title, AgendaSession.starts_at, AgendaSession.ends_at
        )
        .where((AgendaSession.forum == forum.id) & AgendaSession.cancelled_at.is_null())
        .order_by(AgendaSession.starts_at)
    )
    ends = [s["ends_at"] for s in live]
    return Known(
        _by_name(rooms),
        _by_name(tracks),
        _by_name(speakers),
        {(name_key(s["title"]), s["starts_at"]) for s in live},
        [s["starts_at"] for s in live],
        list(accumulate(ends, max)),
    )


async def plan_sessions(forum: Forum, plan: ImportPlan) -> Known:
    """Each row's session and speakers, or its errors; the forum's agenda, as read for it."""
    known = await _load(forum)
    new_speakers: dict[str, str] = {}
    for row in plan.rows:
        data, errors = _session_fields(forum, row.values)
        for col, table in (("room", known.rooms), ("track", known.tracks)):
            if row.values.get(col):
                ids = table.get(name_key(row.values[col]), [])
                if len(ids) == 1:
                    data[f"{col}_id"] = ids[0]
                else:
                    errors[col] = _unknown(col, len(ids))
        for name in filter(None, _NAME_SEPARATORS.split(row.values.get("speakers", ""))):
            ids = known.speakers.get(name_key(name), [])
            if len(ids) > 1:
                errors["speakers"] = _("%(name)s names several speakers: rename one of them.") % {
                    "name": name
                }
            elif (ids[0] if ids else name_key(name)) not in [who for who, _n in row.speakers]:
                row.speakers.append((ids[0] if ids else name_key(name), name))
                if not ids:
                    new_speakers.setdefault(name_key(name), name)
        data["speaker_ids"] = [who for who, _n in row.speakers if isinstance(who, int)]
        struct, field_errors = _convert(data, SessionIn)
        row.errors = {**field_errors, **errors}
        if isinstance(struct, SessionIn) and not row.errors:
            row.data = struct
            if struct.ends_at <= struct.starts_at:
                row.errors["end"] = _("A session must end after it starts.")
            elif (name_key(struct.title), struct.starts_at) in known.sessions:
                row.errors["title"] = _(
                    "This session is already on the agenda, or in an earlier row, at that time."
                )
            known.sessions.add((name_key(struct.title), struct.starts_at))
    plan.new_speakers = list(new_speakers.values())
    return known


def _session_fields(forum: Forum, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The API's fields from the row's columns: day and times in the forum's zone."""
    copied = ("title", "title_local", "abstract", "abstract_local", "capacity")
    data: dict[str, Any] = {k: values[k] for k in copied if k in values}
    if values.get("kind"):
        data["kind"] = values["kind"].lower()
    if values.get("language"):
        data["language"] = _LANGUAGES.get(values["language"].lower(), values["language"])
    errors: dict[str, str] = {}
    try:
        day = dt.date.fromisoformat(values.get("day", "").replace("/", "-"))
    except ValueError:
        errors["day"] = _("Give the day as YYYY-MM-DD, such as 2026-12-05.")
    clocks = {}
    for col in ("start", "end"):
        try:
            clocks[col] = dt.time.fromisoformat(values.get(col, "").zfill(5))
        except ValueError:
            errors[col] = _("Give a time such as 09:30.")
    if not errors:
        data["starts_at"] = time.at(day, clocks["start"], forum.timezone)
        data["ends_at"] = time.at(day, clocks["end"], forum.timezone)
    else:  # placeholders, so that the other fields are still checked
        data["starts_at"] = data["ends_at"] = time.now()
    return data, errors


def _unknown(col: str, found: int) -> str:
    if col == "room":
        if found:
            return _("Several rooms have this name: rename one of them.")
        return _("No room has this name: add the room first.")
    if found:
        return _("Several tracks have this name: rename one of them.")
    return _("No track has this name: add the track first.")
