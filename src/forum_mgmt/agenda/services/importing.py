"""Speakers or sessions from the spreadsheet an organizer already has, all or nothing.

spreadsheet.py reads the file; here each row is validated into the Struct the API uses,
so the rules are the API's; `preview` reports every
row's errors and clashes, `apply` checks again and writes every row in one transaction,
or none. Rooms and tracks are matched by name and never created (a misspelt room would
split the grid); a session's speakers are matched by name, and a name the forum does not
know yet becomes a new speaker, shared by every row that names it.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from typing import cast

import msgspec
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.agenda.schemas import SessionIn, SpeakerIn
from forum_mgmt.agenda.services.clashes import Clash, find_clashes
from forum_mgmt.agenda.services.editing import add_session, add_speaker
from forum_mgmt.agenda.services.spreadsheet import InvalidImport, read_sheet
from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker, Track
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
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


class ImportRefused(InvalidImport):
    """Some rows are bad or clash: nothing was written."""

    code = "import_refused"

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_("Nothing was imported: some rows need attention."))
        self.plan = plan
        self.extra = {
            "rows": [
                {"row": r.number, "errors": r.errors, "clashes": [c.message for c in r.clashes]}
                for r in plan.rows
                if r.errors or r.clashes
            ]
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


@dataclass(frozen=True)
class Imported:
    kind: str
    count: int
    new_speakers: int


async def preview(forum: Forum, data: bytes, *, kind: str | None = None) -> ImportPlan:
    """What the file would add to the forum, row by row, with every error and clash."""
    sheet = read_sheet(data, kind)
    rows = [ImportRow(number, values) for number, values in sheet.rows]
    plan = ImportPlan(sheet.kind, sheet.columns, sheet.ignored, rows)
    if plan.kind == "speakers":
        await _plan_speakers(forum, plan)
    else:
        await _plan_sessions(forum, plan)
    return plan


async def apply(
    forum: Forum,
    data: bytes,
    *,
    kind: str | None = None,
    allow_conflicts: bool = False,
    by: BaseUser | None = None,
) -> Imported:
    """Every row of the file written in one transaction, or none (ImportRefused)."""
    async with transaction():  # checks and writes see the same agenda (IMMEDIATE on SQLite)
        plan = await preview(forum, data, kind=kind)
        if not plan.ready(allow_conflicts=allow_conflicts):
            raise ImportRefused(plan)
        if plan.kind == "speakers":
            for row in plan.rows:
                await add_speaker(forum, cast(SpeakerIn, row.data))
            return Imported(plan.kind, len(plan.rows), 0)
        added = {}
        for name in plan.new_speakers:
            added[_key(name)] = (await add_speaker(forum, SpeakerIn(name=name))).id
        for row in plan.rows:
            ids = [added[who] if isinstance(who, str) else who for who, _n in row.speakers]
            data = cast(SessionIn, row.data)
            # The plan checked every clash (agenda and rows) in this transaction: not again.
            await add_session(
                forum,
                msgspec.structs.replace(data, speaker_ids=ids, allow_conflicts=True),
                by=by,
            )
        return Imported(plan.kind, len(plan.rows), len(added))


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _convert(values: dict, struct: type[msgspec.Struct]) -> tuple[msgspec.Struct | None, dict]:
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


async def _plan_speakers(forum: Forum, plan: ImportPlan) -> None:
    known = {
        _key(n)
        for row in await Speaker.select(Speaker.name, Speaker.name_local).where(
            Speaker.forum == forum.id
        )
        for n in (row["name"], row["name_local"])
        if n
    }
    for row in plan.rows:
        row.data, row.errors = _convert(row.values, SpeakerIn)
        name = _key(row.values.get("name", ""))
        if name and name in known and "name" not in row.errors:
            # importing the same file twice must not double the speakers
            row.errors["name"] = _("This speaker is already in the forum or in an earlier row.")
        known.add(name)


# Sessions ----------------------------------------------------------------------------


@dataclass
class _Known:
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
        for name in {_key(r["name"]), _key(r["name_local"])} - {""}:
            found[name].append(r["id"])
    return found


async def _load(forum: Forum) -> _Known:
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
    return _Known(
        _by_name(rooms),
        _by_name(tracks),
        _by_name(speakers),
        {(_key(s["title"]), s["starts_at"]) for s in live},
        [s["starts_at"] for s in live],
        list(accumulate(ends, max)),
    )


async def _plan_sessions(forum: Forum, plan: ImportPlan) -> None:
    known = await _load(forum)
    new_speakers: dict[str, str] = {}
    for row in plan.rows:
        data, errors = _session_fields(forum, row.values)
        for col, table in (("room", known.rooms), ("track", known.tracks)):
            if row.values.get(col):
                ids = table.get(_key(row.values[col]), [])
                if len(ids) == 1:
                    data[f"{col}_id"] = ids[0]
                else:
                    errors[col] = _unknown(col, len(ids))
        for name in filter(None, _NAME_SEPARATORS.split(row.values.get("speakers", ""))):
            ids = known.speakers.get(_key(name), [])
            if len(ids) > 1:
                errors["speakers"] = _("%(name)s names several speakers: rename one of them.") % {
                    "name": name
                }
            elif (ids[0] if ids else _key(name)) not in [who for who, _n in row.speakers]:
                row.speakers.append((ids[0] if ids else _key(name), name))
                if not ids:
                    new_speakers.setdefault(_key(name), name)
        data["speaker_ids"] = [who for who, _n in row.speakers if isinstance(who, int)]
        struct, field_errors = _convert(data, SessionIn)
        row.errors = {**field_errors, **errors}
        if isinstance(struct, SessionIn) and not row.errors:
            row.data = struct
            if struct.ends_at <= struct.starts_at:
                row.errors["end"] = _("A session must end after it starts.")
            elif (_key(struct.title), struct.starts_at) in known.sessions:
                row.errors["title"] = _(
                    "This session is already on the agenda, or in an earlier row, at that time."
                )
            known.sessions.add((_key(struct.title), struct.starts_at))
    plan.new_speakers = list(new_speakers.values())
    good = [r for r in plan.rows if r.data is not None and not r.errors]
    for row in good:
        if _may_clash(forum, known, cast(SessionIn, row.data)):
            row.clashes = await _clashes_with_agenda(forum, cast(SessionIn, row.data))
    _clashes_between_rows(good)


def _session_fields(forum: Forum, values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The API's fields from the row's columns: day and times in the forum's zone."""
    data = {k: values[k] for k in ("title", "title_local", "abstract", "abstract_local", "capacity")
            if k in values}  # fmt: skip
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


def _may_clash(forum: Forum, known: _Known, data: SessionIn) -> bool:
    """Whether find_clashes could find anything: a file of 2,000 rows for a free day, or an
    empty agenda, then costs no query per row. find_clashes alone decides what clashes."""
    first, _end = time.day_bounds(forum.starts_on, forum.timezone)
    _start, last = time.day_bounds(forum.ends_on, forum.timezone)
    if data.capacity is not None or data.starts_at < first or data.ends_at > last:
        return True
    before_end = bisect_left(known.starts, data.ends_at)  # sessions starting before it ends
    return before_end > 0 and known.reach[before_end - 1] > data.starts_at


async def _clashes_with_agenda(forum: Forum, data: SessionIn) -> list[Clash]:
    return await find_clashes(
        forum,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        room_id=data.room_id,
        speaker_ids=data.speaker_ids,
        capacity=data.capacity,
    )


def _clashes_between_rows(rows: list[ImportRow]) -> None:
    """Rows of the file that hold one room, or one speaker, at the same time."""
    groups: dict[tuple[str, int | str], list[ImportRow]] = defaultdict(list)
    names: dict[int | str, str] = {}
    for row in rows:
        row.data = cast(SessionIn, row.data)
        if row.data.room_id is not None:
            groups["room", row.data.room_id].append(row)
        for who, name in row.speakers:
            groups["speaker", who].append(row)
            names.setdefault(who, name)
    for (kind, who), group in groups.items():
        group.sort(key=lambda r: r.data.starts_at)  # type: ignore[union-attr]
        for i, row in enumerate(group):
            for other in group[i + 1 :]:
                if other.data.starts_at >= row.data.ends_at:  # type: ignore[union-attr]
                    break
                row.clashes.append(_row_clash(kind, other, names.get(who, "")))
                other.clashes.append(_row_clash(kind, row, names.get(who, "")))


def _row_clash(kind: str, other: ImportRow, name: str) -> Clash:
    title = other.values.get("title", "")
    if kind == "room":
        message = _("The room is already used by “%(title)s” at that time.") % {"title": title}
    else:
        message = _("%(name)s is also in “%(title)s” at that time.") % {
            "name": name,
            "title": title,
        }
    return Clash(kind, f"{message} " + _("(row %(row)d)") % {"row": other.number}, None)
