"""Invitations' raw SQL, each statement with the reason it is not a Piccolo query."""
# ruff: noqa: S608 - names from our Table classes, values bound

from __future__ import annotations

from forum_mgmt.invitations.tables import Invitation

INVITATION = Invitation._meta.tablename

# One statement for a forum's invitations (thousands at a retention run): the address
# becomes "anonymised-<id>", unique per forum as the (forum, email) key wants, yet no
# address; Piccolo's update cannot write a value made from each row's own id.
_BLANK = (
    f"UPDATE {INVITATION} SET name = '', email = 'anonymised-' || CAST(id AS TEXT) "
    "WHERE forum = {} AND email NOT LIKE 'anonymised-%'"
)


async def blank(forum_id: int, *, registration_id: int | None) -> None:
    """Remove the guests' names and addresses: one registration's invitation, or all."""
    if registration_id is None:
        await Invitation.raw(_BLANK, forum_id)
    else:
        await Invitation.raw(_BLANK + " AND registration = {}", forum_id, registration_id)
