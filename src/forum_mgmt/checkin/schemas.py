"""What the check-in API reads and answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from forum_mgmt.core.ids import Id

Gate = Annotated[str, msgspec.Meta(max_length=64)]
Nonce = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class ScanIn(msgspec.Struct, forbid_unknown_fields=True):
    """A scanned code, or a registration found by name (manual check-in)."""

    code: Annotated[str, msgspec.Meta(max_length=512)] | None = None
    registration_id: Id | None = None
    gate: Gate = ""
    session_id: Id | None = None
    nonce: Nonce | None = None
    scanned_at: Instant | None = None


class SyncIn(msgspec.Struct, forbid_unknown_fields=True):
    scans: Annotated[list[ScanIn], msgspec.Meta(max_length=5000)]


class PersonOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    organization: str
    category: str
    category_name: str


class PreviousOut(msgspec.Struct):
    at: str
    gate: str
    by: str | None


class CheckinOut(msgspec.Struct):
    result: str
    message: str
    registration: PersonOut | None
    checked_in_at: str | None
    checkin_id: int | None
    previous: PreviousOut | None


class SyncOut(msgspec.Struct):
    results: list[CheckinOut]


class WindowOut(msgspec.Struct):
    opens_at: str
    closes_at: str


class CheckinDataOut(msgspec.Struct):
    """Everything a scanner needs to judge codes offline; ticket ids are JSON object keys."""

    forum_id: int
    session_id: int | None
    public_key: str
    window: WindowOut
    serials: dict[str, int]
    people: dict[str, dict[str, str]]
    refused: dict[str, str]
    used: list[int]
    booked: list[int] | None
    generated_at: str


class SearchHitOut(PersonOut):
    status: str
    checked_in: bool


class CountOut(msgspec.Struct):
    key: str
    name: str
    checked_in: int
    total: int | None = None


class ListStatsOut(msgspec.Struct):
    session_id: int
    title: str
    checked_in: int
    booked: int


class StatsOut(msgspec.Struct):
    checked_in: int
    confirmed: int
    categories: list[CountOut]
    gates: list[CountOut]
    arrivals: list[CountOut]  # key: the quarter hour's start, ISO with the forum's offset
    sessions: list[ListStatsOut]
    generated_at: str


class DeviceLinkIn(msgspec.Struct):
    """The form that makes a device link with one of one's tokens."""

    forum: Annotated[str, msgspec.Meta(max_length=100)] = ""


class DeviceCodeIn(msgspec.Struct):
    """The button on a device link's page (its hidden field, and the CSRF token)."""

    code: Annotated[str, msgspec.Meta(max_length=200)] = ""
