"""The forum file of `forum-mgmt export` / `import`: a whole forum, free of database ids.

Rooms, tracks and speakers carry a `key` that is unique within the file; sessions name
them by it. Instants are ISO 8601 with the forum's UTC offset. Each record validates
with the same limits as the API, so a file that imports is a forum the API could build.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from forum_mgmt.agenda.schemas import Color, Count, Language, PhotoUrl
from forum_mgmt.agenda.tables import SessionKind, SpeakerRole
from forum_mgmt.forums.schemas import Long, Name, Short, Slug
from forum_mgmt.forums.tables import ForumStatus

FORMAT = "forum_mgmt/forum"
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class _Record(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class OrganisationFile(_Record, kw_only=True):
    slug: Slug
    name: Name
    name_local: Short = ""


class ForumFile(_Record, kw_only=True):
    slug: Slug
    name: Name
    name_local: Short = ""
    theme: Long = ""
    theme_local: Long = ""
    description: Long = ""
    description_local: Long = ""
    venue: Short = ""
    venue_local: Short = ""
    timezone: str
    starts_on: dt.date
    ends_on: dt.date
    status: ForumStatus = ForumStatus.DRAFT
    published_at: dt.datetime | None = None
    capacity: Count = 0
    waitlist: bool = True
    approval: bool = False
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None


class RoomFile(_Record, kw_only=True):
    key: Key
    name: Name
    name_local: Short = ""
    capacity: Count = 0


class TrackFile(_Record, kw_only=True):
    key: Key
    name: Name
    name_local: Short = ""
    color: Color = "#1f6feb"


class SpeakerFile(_Record, kw_only=True):
    key: Key
    name: Name
    name_local: Short = ""
    title: Short = ""
    title_local: Short = ""
    organization: Short = ""
    organization_local: Short = ""
    bio: Long = ""
    bio_local: Long = ""
    photo_url: PhotoUrl = ""
    is_sample: bool = False


class SessionSpeakerFile(_Record, kw_only=True):
    speaker: Key
    role: SpeakerRole = SpeakerRole.SPEAKER


class SessionFile(_Record, kw_only=True):
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
    speakers: list[SessionSpeakerFile] = []
    sequence: Annotated[int, msgspec.Meta(ge=0)] = 0
    cancelled_at: dt.datetime | None = None


class ForumTransfer(_Record, kw_only=True):
    format: Literal["forum_mgmt/forum"]
    version: Literal[1]
    organisation: OrganisationFile
    forum: ForumFile
    rooms: list[RoomFile] = []
    tracks: list[TrackFile] = []
    speakers: list[SpeakerFile] = []
    sessions: list[SessionFile] = []
