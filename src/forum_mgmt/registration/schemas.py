"""What goes in and out: the HTML form and the JSON API validate into the same Structs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from forum_mgmt.core.ids import Id
from forum_mgmt.core.text import LONG, Input

# Lengths and formats are checked by the services (all fields at once, each error next
# to its field); the Structs fix the shape, refuse what is not even the right type, and
# clean the text (core/text.py: NFC, no controls, names on one line).


class DetailsIn(Input, forbid_unknown_fields=True):
    """What an attendee may change on the ticket page (the email is the identity)."""

    name: str
    name_local: str = ""
    organization: str = ""
    title: str = ""
    country: str = ""
    dietary: str = ""
    accessibility: str = ""
    answers: dict[str, Annotated[str, LONG]] = msgspec.field(default_factory=dict)


class RegistrationIn(DetailsIn, kw_only=True, forbid_unknown_fields=True):
    """A sign-up: the details, and who, as what, with which workshops, with consent."""

    email: str
    category: str = "attendee"
    consent: bool = False
    session_ids: list[Id] = msgspec.field(default_factory=list)
    # The language of the person's mails, ticket page and calendar: by default the
    # request's (the sign-up page's); changeable on the ticket page.
    language: Literal["en", "zh-TW"] | None = None


class RegistrationCreated(msgspec.Struct, omit_defaults=True):
    id: int
    status: str
    manage_url: str
    waitlist_position: int | None
    ticket_code: str | None = None  # only when confirmed: the QR payload


class CheckMailbox(msgspec.Struct):
    """A sign-up on a forum that confirms addresses: the same for every address."""

    status: str  # "check_mailbox"
    message: str


class StatusOut(msgspec.Struct):
    id: int
    status: str
    waitlist_position: int | None


class RegistrationOut(msgspec.Struct):
    id: int
    name: str
    name_local: str
    email: str
    organization: str
    title: str
    country: str
    category: str
    session_ids: list[int]
    consent: bool
    dietary: str
    accessibility: str
    answers: dict[str, str]
    status: str
    waitlist_position: int | None
    created_at: dt.datetime


class StarIn(msgspec.Struct, forbid_unknown_fields=True):
    """A star put on (or taken off) a session, from a forum's pages."""

    session_id: Id
    starred: bool


class DeviceStarIn(msgspec.Struct, forbid_unknown_fields=True):
    """A star kept only in a browser, reported once per device (its random id) so that a
    session's expected audience counts it: anonymous, and counted once however often sent."""

    device: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9-]{16,64}$")]
    session_id: Id
    starred: bool


class StarsOut(msgspec.Struct):
    """The stars of the device's ticket for a forum; `ticket` false: kept in the browser."""

    ticket: bool
    session_ids: list[int]
