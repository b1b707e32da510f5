from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import msgspec
from msgspec import UNSET, UnsetType

from forum_mgmt.agenda.tables import Room, SessionKind, Speaker, SpeakerRole, Track
from forum_mgmt.core.ids import Id
from forum_mgmt.core.text import Input
from forum_mgmt.core.time import local
from forum_mgmt.forums.schemas import Long, Name, Short

if TYPE_CHECKING:  # services import these schemas; the view is only named here
    from forum_mgmt.agenda.services import SessionView

Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$")]
Language = Annotated[str, msgspec.Meta(pattern=r"^(en|zh-TW|en\+zh-TW)$")]
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
# Where agenda change notices reach a speaker; never shown on a public page or in a feed.
SpeakerEmail = Annotated[
    str, msgspec.Meta(max_length=254, pattern=r"^([^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+)?$")
]
PhotoUrl = Annotated[str, msgspec.Meta(max_length=500, pattern=r"^(https?://\S+|/\S*)?$")]


class RoomIn(Input, forbid_unknown_fields=True):
    name: Name
    name_local: Short = ""
    capacity: Count = 0


class TrackIn(Input, forbid_unknown_fields=True):
    name: Name
    name_local: Short = ""
    color: Color = "#1f6feb"


class SpeakerIn(Input, forbid_unknown_fields=True):
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
    email: SpeakerEmail = ""


class SessionSpeakerIn(msgspec.Struct, forbid_unknown_fields=True):
    speaker_id: Id
    role: SpeakerRole = SpeakerRole.SPEAKER


class SessionIn(Input, forbid_unknown_fields=True):
    title: Name
    starts_at: dt.datetime
    ends_at: dt.datetime
    title_local: Short = ""
    abstract: Long = ""
    abstract_local: Long = ""
    kind: SessionKind = SessionKind.TALK
    language: Language = "en"
    room_id: Id | None = None
    track_id: Id | None = None
    capacity: Count | None = None
    speaker_ids: list[Id] = msgspec.field(default_factory=list)
    speakers: list[SessionSpeakerIn] = msgspec.field(default_factory=list)  # wins over ids
    allow_conflicts: bool = False


class RoomPatch(Input, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    name_local: Short | UnsetType = UNSET
    capacity: Count | UnsetType = UNSET


class TrackPatch(Input, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    name_local: Short | UnsetType = UNSET
    color: Color | UnsetType = UNSET


class SpeakerPatch(Input, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    name_local: Short | UnsetType = UNSET
    title: Short | UnsetType = UNSET
    title_local: Short | UnsetType = UNSET
    organization: Short | UnsetType = UNSET
    organization_local: Short | UnsetType = UNSET
    bio: Long | UnsetType = UNSET
    bio_local: Long | UnsetType = UNSET
    photo_url: PhotoUrl | UnsetType = UNSET
    email: SpeakerEmail | UnsetType = UNSET


class SessionPatch(Input, forbid_unknown_fields=True):
    """Fields left out stay as they are; `null` clears room, track or capacity."""

    title: Name | UnsetType = UNSET
    title_local: Short | UnsetType = UNSET
    abstract: Long | UnsetType = UNSET
    abstract_local: Long | UnsetType = UNSET
    kind: SessionKind | UnsetType = UNSET
    language: Language | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    room_id: Id | UnsetType | None = UNSET
    track_id: Id | UnsetType | None = UNSET
    capacity: Count | UnsetType | None = UNSET
    speaker_ids: list[Id] | UnsetType = UNSET
    speakers: list[SessionSpeakerIn] | UnsetType = UNSET
    allow_conflicts: bool = False


class RoomOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    capacity: int

    @classmethod
    def of(cls, room: Room) -> RoomOut:
        return cls(id=room.id, name=room.name, name_local=room.name_local, capacity=room.capacity)


class TrackOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    color: str

    @classmethod
    def of(cls, track: Track) -> TrackOut:
        return cls(id=track.id, name=track.name, name_local=track.name_local, color=track.color)


class SpeakerOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    title: str
    organization: str
    bio: str
    bio_local: str
    photo_url: str

    @classmethod
    def of(cls, sp: Speaker) -> SpeakerOut:
        return cls(
            id=sp.id,
            name=sp.name,
            name_local=sp.name_local,
            title=sp.title,
            organization=sp.organization,
            bio=sp.bio,
            bio_local=sp.bio_local,
            photo_url=sp.photo_url,
        )


class SessionSpeakerOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    role: str


class SessionOut(msgspec.Struct):
    id: int
    title: str
    title_local: str
    abstract: str
    abstract_local: str
    kind: str
    language: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None
    room: str | None
    track_id: int | None
    track: str | None
    speaker_ids: list[int]
    speakers: list[SessionSpeakerOut]
    capacity: int | None

    @classmethod
    def of(cls, view: SessionView, tz: str) -> SessionOut:
        """The session as the API shows it: times with the forum's UTC offset."""
        s = view.session
        return cls(
            id=s.id,
            title=s.title,
            title_local=s.title_local,
            abstract=s.abstract,
            abstract_local=s.abstract_local,
            kind=s.kind,
            language=s.language,
            starts_at=local(s.starts_at, tz),
            ends_at=local(s.ends_at, tz),
            room_id=s.room,
            room=view.room.name if view.room else None,
            track_id=s.track,
            track=view.track.name if view.track else None,
            speaker_ids=[sp.id for sp, _role in view.speakers],
            speakers=[
                SessionSpeakerOut(id=sp.id, name=sp.name, name_local=sp.name_local, role=role)
                for sp, role in view.speakers
            ],
            capacity=s.capacity,
        )
