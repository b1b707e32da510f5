"""What privacy's API answers."""

from __future__ import annotations

import msgspec


class ErasedOut(msgspec.Struct):
    """The attendee's erasure: done; `cancelled` when the seat was given back too."""

    status: str
    cancelled: bool
