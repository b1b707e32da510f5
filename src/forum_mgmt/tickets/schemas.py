"""What the tickets API answers."""

from __future__ import annotations

import msgspec

from forum_mgmt.tickets.keys import ForumKeys
from forum_mgmt.tickets.services import Issued


class CheckinKeyOut(msgspec.Struct):
    """The public key a scanner needs to judge this forum's codes offline."""

    forum_id: int
    algorithm: str
    public_key: str  # raw 32 bytes, base64url without padding

    @classmethod
    def of(cls, keys: ForumKeys) -> CheckinKeyOut:
        return cls(forum_id=keys.forum_id, algorithm="Ed25519", public_key=keys.public_b64)


class TicketOut(msgspec.Struct):
    """A registration's current ticket: `ticket_code` is the QR payload."""

    id: int
    ticket_code: str
    serial: int

    @classmethod
    def of(cls, issued: Issued) -> TicketOut:
        return cls(id=issued.registration_id, ticket_code=issued.code, serial=issued.serial)
