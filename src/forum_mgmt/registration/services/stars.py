"""Stars: sessions an attendee marks for their own calendar, kept on the ticket.

A device that opened its ticket page remembers the ticket (a cookie), so the forum's
pages can keep its stars on the ticket; without one, stars live in the browser.
Every change moves the registration's `updated_at`, which the personal feed's
Last-Modified follows (a calendar polling with If-Modified-Since must see the change).
"""

from __future__ import annotations

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.services.register import is_unique_violation
from forum_mgmt.registration.tables import Registration, Star

TICKET_COOKIE = "ticket"
"""The cookie in which a device remembers its ticket's token: the ticket page sets it, the
forum's pages read it for `remembered`."""


class NoTicket(Conflict):
    code = "no_ticket"


async def touch(registration: Registration) -> None:
    """Move the registration's `updated_at` (in the caller's transaction)."""
    registration.updated_at = time.now()
    await Registration.update({Registration.updated_at: registration.updated_at}).where(
        Registration.id == registration.id
    )


async def starred_ids(registration: Registration) -> list[int]:
    rows = await Star.select(Star.session).where(Star.registration == registration.id)
    return sorted(r["session"] for r in rows)


async def _session_or_404(forum: Forum, session_id: int, *, live: bool) -> None:
    where = (AgendaSession.id == session_id) & (AgendaSession.forum == forum.id)
    if live:
        where &= AgendaSession.cancelled_at.is_null()
    if not await AgendaSession.exists().where(where):
        raise NotFound(_("This session is not on the agenda."))


async def star(forum: Forum, registration: Registration, session_id: int) -> None:
    """Mark a session of this forum for the attendee's calendar; starring twice is once."""
    await _session_or_404(forum, session_id, live=True)
    try:
        async with transaction():
            # the unique index refuses a second star (a double click racing itself)
            await Star.insert(
                Star(registration=registration.id, session=session_id, created_at=time.now())
            )
            await touch(registration)
    except Exception as err:
        if not is_unique_violation(err):
            raise


async def unstar(forum: Forum, registration: Registration, session_id: int) -> None:
    """Take the star off a session of this forum (removed ones too); twice is once."""
    await _session_or_404(forum, session_id, live=False)
    async with transaction():
        gone = (
            await Star.delete()
            .where((Star.registration == registration.id) & (Star.session == session_id))
            .returning(Star.id)
        )
        if gone:
            await touch(registration)


async def remembered(forum: Forum, token: str) -> Registration | None:
    """The registration of the ticket remembered on a device, if it is one of this forum."""
    if not token or len(token) > 64:
        return None
    return (
        await Registration.objects()
        .where((Registration.token == token) & (Registration.forum == forum.id))
        .first()
    )


async def device_stars(forum: Forum, token: str) -> list[int] | None:
    """The stars on the device's ticket for this forum; None when it holds no such ticket."""
    registration = await remembered(forum, token)
    return None if registration is None else await starred_ids(registration)


async def set_star(forum: Forum, token: str, session_id: int, *, starred: bool) -> list[int]:
    """Star or unstar a session on the device's ticket for this forum; the stars after."""
    registration = await remembered(forum, token)
    if registration is None:
        raise NoTicket(
            _("This device holds no ticket for this forum: open your ticket link first.")
        )
    if starred:
        await star(forum, registration, session_id)
    else:
        await unstar(forum, registration, session_id)
    return await starred_ids(registration)
