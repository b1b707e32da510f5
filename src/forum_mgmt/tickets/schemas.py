"""What the tickets API answers."""

from __future__ import annotations

import msgspec

from forum_mgmt.tickets.keys import ForumKeys


class CheckinKeyOut(msgspec.Struct):
    """The public key a scanner needs to judge this forum's codes offline."""

    forum_id: int
    algorithm: str
    public_key: str  # raw 32 bytes, base64url without padding

    @classmethod
    def of(cls, keys: ForumKeys) -> CheckinKeyOut:
        return cls(forum_id=keys.forum_id, algorithm="Ed25519", public_key=keys.public_b64)
