"""The ticket's QR inside the mail itself, drawn as the message goes out: always the
current code, and shown by mail programs that block remote pictures."""

from __future__ import annotations

import anyio.to_thread

from forum_mgmt.core.errors import DomainError
from forum_mgmt.mail import services as mail
from forum_mgmt.tickets import printing, qr


async def ticket_qr(ticket: dict) -> bytes | None:
    """The PNG of the registration's current code (issued on first use, as for the ticket
    page); None once the registration is gone or no longer confirmed."""
    # A message queued before the token went into the context: its page ends with it.
    token = ticket.get("token") or ticket["page"].rsplit("/", 1)[-1]
    try:
        _forum, _reg, issued = await printing.ticket_of(token)
    except DomainError:  # NotFound, NotConfirmed: the message goes with the links alone
        return None
    return await anyio.to_thread.run_sync(qr.png, issued.code)


def install() -> None:
    """Embed the QR in every message carrying a ticket; call once as a process starts."""
    mail.register_inline_image("ticket", ticket_qr)
