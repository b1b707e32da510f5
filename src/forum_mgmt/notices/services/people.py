"""Who a notice is for: a registration that booked or starred a session, or a speaker of
it; how a person is named in a link (r12, s3) and the signature of their opt-out link."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from piccolo.columns.combination import Combinable

from forum_mgmt.agenda.tables import Speaker
from forum_mgmt.core import i18n
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.notices.tables import NoticeOptOut, PendingNotice
from forum_mgmt.registration.tables import Registration, Status


@dataclass(frozen=True)
class Person:
    """A registration (`kind` "r") or a speaker ("s") of a forum."""

    kind: str
    id: int

    @property
    def ref(self) -> str:
        return f"{self.kind}{self.id}"

    def pending(self) -> Combinable:
        """The person's rows in the pending-notice table."""
        if self.kind == "r":
            return PendingNotice.registration == self.id
        return PendingNotice.speaker == self.id

    @classmethod
    def of_row(cls, row: dict) -> Person:
        if row["registration"] is not None:
            return cls("r", row["registration"])
        return cls("s", row["speaker"])

    @classmethod
    def parse(cls, ref: str) -> Person | None:
        if len(ref) < 2 or ref[0] not in "rs" or not ref[1:].isdigit() or len(ref) > 12:
            return None
        return cls(ref[0], int(ref[1:]))


def signature(forum: Forum, person: Person) -> str:
    """The opt-out link's proof: only the server can make it, and it names one person."""
    key = get_settings().secret_key.encode()
    message = f"notice-opt-out:{forum.id}:{person.ref}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def signed(forum: Forum, person: Person, sig: str) -> bool:
    return hmac.compare_digest(signature(forum, person), sig)


def forum_language(forum: Forum) -> str:
    """The forum's first language, for people who chose none (speakers)."""
    languages = getattr(forum, "languages", None)  # set where a forum lists its languages
    if isinstance(languages, list | tuple) and languages and languages[0] in i18n.LANGUAGES:
        return str(languages[0])
    return i18n.DEFAULT


def registrations_told() -> Combinable:
    """Registrations that may be told: confirmed, not anonymised, not opted out."""
    return (
        (Registration.status == Status.CONFIRMED)
        & Registration.anonymised_at.is_null()
        & Registration.id.not_in(
            NoticeOptOut.select(NoticeOptOut.registration).where(
                NoticeOptOut.registration.is_not_null()
            )
        )
    )


def speakers_told() -> Combinable:
    """Speakers that may be told: with an address, not opted out."""
    return (Speaker.email != "") & Speaker.id.not_in(
        NoticeOptOut.select(NoticeOptOut.speaker).where(NoticeOptOut.speaker.is_not_null())
    )
