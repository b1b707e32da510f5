"""The forum file of `forum-mgmt export` / `import`: a whole forum, free of database ids.

Rooms, tracks and speakers carry a `key` that is unique within the file; sessions name
them by it. Rooms, speakers and sessions carry the `uid` they are published under in
calendars and schedule files, and keep it in the installation that imports them (an item
without one gets a new one). Instants are ISO 8601 with the forum's UTC offset. Each
record validates with the same Structs as the API, so a file that imports is a forum the
API could build.

The registration set-up travels too: the categories (in their order, with the seats each
holds) and the extra questions of the form. A forum whose categories were never used has
none in the file, and the one that imports it gets the defaults on first use, as any new
forum does; a file from before these lists imports that way as well. Registrations,
tickets, check-ins and the forum's ticket-signing key stay out: they are personal data and
secrets (attendees leave through the registrations CSV; a database backup keeps them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Final, Literal

import msgspec

from forum_mgmt.agenda.schemas import Count, Language, RoomIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import SessionKind, SpeakerRole
from forum_mgmt.core.text import Input
from forum_mgmt.forums.schemas import ForumIn, Long, Name, Short, Slug
from forum_mgmt.forums.tables import ForumStatus
from forum_mgmt.registration.tables import QuestionKind

FORMAT: Final = "forum_mgmt/forum"
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Position = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
# The category columns' lengths; a code is what the API and the badges command name it by.
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=32)]
CategoryName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
CategoryNameLocal = Annotated[str, msgspec.Meta(max_length=120)]


class OrganisationFile(Input, forbid_unknown_fields=True, kw_only=True):
    slug: Slug
    name: Name
    name_local: Short = ""


class ForumFile(ForumIn, kw_only=True):
    status: ForumStatus = ForumStatus.DRAFT
    published_at: dt.datetime | None = None


class RoomFile(RoomIn, kw_only=True):
    key: Key
    uid: uuid.UUID | None = None


class TrackFile(TrackIn, kw_only=True):
    key: Key


class SpeakerFile(SpeakerIn, kw_only=True):
    key: Key
    uid: uuid.UUID | None = None


class SessionSpeakerFile(Input, forbid_unknown_fields=True, kw_only=True):
    speaker: Key
    role: SpeakerRole = SpeakerRole.SPEAKER


class SessionFile(Input, forbid_unknown_fields=True, kw_only=True):
    uid: uuid.UUID | None = None
    title: Name
    title_local: Short = ""
    abstract: Long = ""
    abstract_local: Long = ""
    kind: SessionKind = SessionKind.TALK
    language: Language = "en"
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: Key | None = None
    track: Key | None = None
    capacity: Count | None = None
    speakers: list[SessionSpeakerFile] = msgspec.field(default_factory=list)
    sequence: Annotated[int, msgspec.Meta(ge=0)] = 0
    cancelled_at: dt.datetime | None = None


class CategoryFile(Input, forbid_unknown_fields=True, kw_only=True):
    """A kind of participant; `code` is unique within the file, `quota` 0 shares the seats."""

    code: Code
    name: CategoryName
    name_local: CategoryNameLocal = ""
    public: bool = True
    approval: bool = False
    quota: Count = 0
    position: Position = 0


class QuestionFile(Input, forbid_unknown_fields=True, kw_only=True):
    """An extra question of the registration form; `choices` for a choice question."""

    label: Short
    label_local: Short = ""
    kind: QuestionKind = QuestionKind.TEXT
    choices: list[Short] = msgspec.field(default_factory=list)  # one per line in the table
    choices_local: list[Short] = msgspec.field(default_factory=list)  # the same, translated
    required: bool = False
    position: Position = 0


class ForumTransfer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    format: Literal["forum_mgmt/forum"]
    version: Literal[1]
    organisation: OrganisationFile
    forum: ForumFile
    rooms: list[RoomFile] = []
    tracks: list[TrackFile] = []
    speakers: list[SpeakerFile] = []
    sessions: list[SessionFile] = []
    categories: list[CategoryFile] = []
    questions: list[QuestionFile] = []


# The C3VOC schedule JSON of /forums/{slug}/schedule.json (exports/services/schedule.py
# writes it as bytes; these Structs only describe it for the OpenAPI document). The
# events are left open: the C3VOC schema at its `$schema` address is their reference.


class ScheduleGenerator(msgspec.Struct):
    name: str
    version: str


class ScheduleDay(msgspec.Struct):
    index: int
    date: str
    day_start: str
    day_end: str
    rooms: dict[str, list[dict[str, object]]]  # room name -> its events in order


class ScheduleConference(msgspec.Struct, rename={"days_count": "daysCount"}):
    acronym: str
    title: str
    start: str
    end: str
    days_count: int
    timeslot_duration: str
    time_zone_name: str
    url: str
    tracks: list[dict[str, str]]
    rooms: list[dict[str, object]]
    days: list[ScheduleDay]


class ScheduleBody(msgspec.Struct):
    version: str
    base_url: str
    conference: ScheduleConference


class ScheduleFile(msgspec.Struct, rename={"schema": "$schema"}):
    """A forum's published agenda as C3VOC schedule JSON."""

    schema: str
    generator: ScheduleGenerator
    schedule: ScheduleBody
