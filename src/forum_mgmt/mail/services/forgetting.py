"""Forgetting a person's or a forum's mail: the outbox's part of erasure and deletion."""

from __future__ import annotations

from forum_mgmt.mail.tables import Outbox


async def forget(forum_id: int, addresses: list[str]) -> int:
    """Delete every message about this forum to these addresses, but the ephemeral ones
    (they blank themselves once sent); returns how many went."""
    if not addresses:
        return 0
    gone = (
        await Outbox.delete()
        .where(
            (Outbox.forum_id == forum_id) & Outbox.to.is_in(addresses) & (Outbox.ephemeral == False)  # noqa: E712 - Piccolo builds SQL from ==
        )
        .returning(Outbox.id)
    )
    return len(gone)


async def forget_forum(forum_id: int) -> None:
    """Delete every message about this forum, sent or not (the forum is being deleted)."""
    await Outbox.delete().where(Outbox.forum_id == forum_id)
