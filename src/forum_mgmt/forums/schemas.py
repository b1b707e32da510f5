from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from forum_mgmt.core.text import LINE, LONG, Input
from forum_mgmt.core.time import local
from forum_mgmt.forums.tables import Forum

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
# Text fields: `core/text.py` cleans them (NFC, no controls); LINE ones stay on one line.
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200), LINE]
Short = Annotated[str, msgspec.Meta(max_length=300), LINE]
Long = Annotated[str, msgspec.Meta(max_length=20_000), LONG]
# Days after the last day before personal data is anonymised (privacy/services.py).
RetentionDays = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Email = Annotated[str, msgspec.Meta(max_length=254), LINE]
# Sign-ups per client address per hour; 0 turns the limit off (staff behind one address).
SignupLimit = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
# Percent of the confirmed attendees expected at a session open to everyone (the audience).
Share = Annotated[int, msgspec.Meta(ge=0, le=100)]


# The content's languages: the first is kept in the plain columns, the second in `_local`.
Languages = Literal["en zh-TW", "en", "zh-TW"]


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    """Publish even though some public texts lack one of the forum's languages."""

    accept_fallback: bool = False


# Minutes after the last change to someone's sessions before their notice goes; 0: at once.
NoticeDelay = Annotated[int, msgspec.Meta(ge=0, le=10_080)]


class ForumIn(Input, forbid_unknown_fields=True):
    slug: Slug
    name: Name
    starts_on: dt.date
    ends_on: dt.date
    timezone: str = "Asia/Taipei"
    languages: Languages = "en zh-TW"
    name_local: Short = ""
    theme: Long = ""
    theme_local: Long = ""
    description: Long = ""
    description_local: Long = ""
    venue: Short = ""
    venue_local: Short = ""
    capacity: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0
    waitlist: bool = True
    approval: bool = False
    signup_limit_per_address: SignupLimit = 20
    confirm_email: bool = False
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    retention_days: RetentionDays = 90
    contact_email: Email = ""
    audience_share: Share = 30
    notice_delay_minutes: NoticeDelay = 15


class ForumCreate(ForumIn, forbid_unknown_fields=True):
    """A new forum through the API; `organisation` is needed only by members of several."""

    organisation: str | None = None

    def forum(self) -> ForumIn:
        fields = msgspec.structs.asdict(self)
        fields.pop("organisation")
        return ForumIn(**fields)


class ForumPatch(Input, forbid_unknown_fields=True):
    """Fields left out stay as they are. The slug cannot change: links are out there."""

    name: Name | UnsetType = UNSET
    name_local: Short | UnsetType = UNSET
    theme: Long | UnsetType = UNSET
    theme_local: Long | UnsetType = UNSET
    description: Long | UnsetType = UNSET
    description_local: Long | UnsetType = UNSET
    venue: Short | UnsetType = UNSET
    venue_local: Short | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    languages: Languages | UnsetType = UNSET
    starts_on: dt.date | UnsetType = UNSET
    ends_on: dt.date | UnsetType = UNSET
    capacity: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | UnsetType = UNSET
    waitlist: bool | UnsetType = UNSET
    approval: bool | UnsetType = UNSET
    signup_limit_per_address: SignupLimit | UnsetType = UNSET
    confirm_email: bool | UnsetType = UNSET
    registration_opens_at: dt.datetime | UnsetType | None = UNSET
    registration_closes_at: dt.datetime | UnsetType | None = UNSET
    retention_days: RetentionDays | UnsetType = UNSET
    contact_email: Email | UnsetType = UNSET
    audience_share: Share | UnsetType = UNSET
    notice_delay_minutes: NoticeDelay | UnsetType = UNSET


class ForumOut(msgspec.Struct):
    id: int
    slug: str
    name: str
    name_local: str
    theme: str
    theme_local: str
    venue: str
    venue_local: str
    timezone: str
    languages: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    capacity: int
    waitlist: bool
    approval: bool
    signup_limit_per_address: int
    confirm_email: bool
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    retention_days: int
    contact_email: str
    audience_share: int
    notice_delay_minutes: int

    @classmethod
    def of(cls, forum: Forum) -> ForumOut:
        def shown(instant: dt.datetime | None) -> dt.datetime | None:
            return local(instant, forum.timezone) if instant else None

        return cls(
            id=forum.id,
            slug=forum.slug,
            name=forum.name,
            name_local=forum.name_local,
            theme=forum.theme,
            theme_local=forum.theme_local,
            venue=forum.venue,
            venue_local=forum.venue_local,
            timezone=forum.timezone,
            languages=forum.languages,
            starts_on=forum.starts_on,
            ends_on=forum.ends_on,
            status=forum.status,
            capacity=forum.capacity,
            waitlist=forum.waitlist,
            approval=forum.approval,
            signup_limit_per_address=forum.signup_limit_per_address,
            confirm_email=forum.confirm_email,
            registration_opens_at=shown(forum.registration_opens_at),
            registration_closes_at=shown(forum.registration_closes_at),
            retention_days=forum.retention_days,
            contact_email=forum.contact_email,
            audience_share=forum.audience_share,
            notice_delay_minutes=forum.notice_delay_minutes,
        )
