"""Tickets: issued to confirmed registrations, reissued to revoke, resolved at the door."""

from __future__ import annotations

from dataclasses import dataclass

from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Registration, Status
from forum_mgmt.tickets import codes
from forum_mgmt.tickets.keys import forum_key
from forum_mgmt.tickets.tables import Ticket


class NotConfirmed(Conflict):
    code = "not_confirmed"


@dataclass(frozen=True)
class Issued:
    ticket_id: int  # the registration's id: what the code carries
    serial: int
    code: str


async def issue(forum: Forum, registration: Registration) -> Issued:
    """The current ticket of a confirmed registration (made on first use); its code is the
    QR payload and what a scanner sends."""
    if registration.status != Status.CONFIRMED:
        raise NotConfirmed(_("A ticket comes with a confirmed registration."))
    row = await _current(registration.id)
    if row is None:
        # unique registration: of two racing first issues, one inserts, both read it back
        await Ticket.insert(
            Ticket(registration=registration.id, forum=forum.id, serial=1, issued_at=time.now())
        ).on_conflict(target=Ticket.registration, action="DO NOTHING")
        row = await _current(registration.id)
    return await _code(forum, registration.id, row["serial"])


async def reissue(forum: Forum, registration: Registration) -> Issued:
    """A new code for the same registration; every older code now reads `revoked`."""
    await issue(forum, registration)
    rows = (
        await Ticket.update({Ticket.serial: Ticket.serial + 1, Ticket.issued_at: time.now()})
        .where(Ticket.registration == registration.id)
        .returning(Ticket.serial)
    )
    return await _code(forum, registration.id, rows[0]["serial"])


async def current_serial(registration_id: int) -> int | None:
    row = await _current(registration_id)
    return row["serial"] if row else None


async def _current(registration_id: int) -> dict | None:
    return await Ticket.select(Ticket.serial).where(Ticket.registration == registration_id).first()


async def _code(forum: Forum, registration_id: int, serial: int) -> Issued:
    keys = await forum_key(forum)
    return Issued(
        registration_id, serial, codes.sign(keys.private, forum.id, registration_id, serial)
    )
