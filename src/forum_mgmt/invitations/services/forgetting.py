"""Forgetting guests: what privacy/services.py calls when it anonymises.

An invitation holds a name and an address; both go (the row stays, blank, so that the
forum's figures of invitations sent and used stay true), and so do the mails that carried
them: the invitation itself (to the guest's address, which may not be the address the guest
registered with) and the notices of a decline (to the organizers, naming the guest).
"""

from __future__ import annotations

from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations import queries
from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox

CHUNK = 500  # addresses per statement


async def _addresses(where) -> list[str]:
    rows = await Invitation.select(Invitation.email).where(
        where & Invitation.email.not_like("anonymised-%")
    )
    return [r["email"] for r in rows]


def forums_holding_guests():
    """A subquery: the ids of forums with an invitation that still names its guest."""
    return Invitation.select(Invitation.forum).where(Invitation.email.not_like("anonymised-%"))


async def forget_admitted(forum: Forum, registration_id: int) -> None:
    """The invitation a registration came through, blanked with its mail (call it in the
    caller's transaction)."""
    addresses = await _addresses(
        (Invitation.forum == forum.id) & (Invitation.registration == registration_id)
    )
    await mail.forget(forum.id, addresses)
    await queries.blank(forum.id, registration_id=registration_id)


async def forget_forum(forum: Forum) -> None:
    """Every invitation of the forum blanked and closed, with its mail and decline notices
    (call it in the caller's transaction)."""
    addresses = await _addresses(Invitation.forum == forum.id)
    for start in range(0, len(addresses), CHUNK):
        await mail.forget(forum.id, addresses[start : start + CHUNK])
    await Outbox.delete().where(
        (Outbox.forum_id == forum.id) & (Outbox.template == "invitation_declined")
    )
    await queries.blank(forum.id, registration_id=None)
    await Invitation.update({Invitation.revoked_at: time.now()}).where(
        (Invitation.forum == forum.id)
        & Invitation.revoked_at.is_null()
        & Invitation.registered_at.is_null()
        & Invitation.declined_at.is_null()
    )
