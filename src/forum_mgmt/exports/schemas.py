"""The forum file of `forum-mgmt export` / `import`: a whole forum, free of database ids.

Rooms, tracks and speakers carry a `key` that is unique within the file; sessions name
them by it. Rooms, speakers and sessions carry the `uid` they are published under in
calendars and schedule files, and keep it in the installation that imports them (an item
without one gets a new one). Instants are ISO 8601 with the forum's UTC offset. Each
record validates with the same Structs as the API, so a file that imports is a forum the
API could build.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from forum_mgmt.agenda.schemas import Count, Language, RoomIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import SessionKind, SpeakerRole
from forum_mgmt.forums.schemas import ForumIn, Long, Name, Short, Slug
from forum_mgmt.forums.tables import ForumStatus

FORMAT = "forum_mgmt/forum"
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class OrganisationFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
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


class SessionSpeakerFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    speaker: Key
    role: SpeakerRole = SpeakerRole.SPEAKER


class SessionFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
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
    speakers: list[SessionSpeakerFile] = []
    sequence: Annotated[int, msgspec.Meta(ge=0)] = 0
    cancelled_at: dt.datetime | None = None


class ForumTransfer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    format: Literal["forum_mgmt/forum"]
    version: Literal[1]
    organisation: OrganisationFile
    forum: ForumFile
    rooms: list[RoomFile] = []
    tracks: list[TrackFile] = []
    speakers: list[SpeakerFile] = []
    sessions: list[SessionFile] = []
