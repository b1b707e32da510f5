"""The team tests' shared steps: invite through the page, read the mail as it goes out."""

from __future__ import annotations

import email
import re
from email.message import Message

import httpx

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from tests.conftest import csrf_token

LINK = re.compile(r"https?://\S+/team-invitation/(fmt_[A-Za-z0-9_-]+)")
NEW_PASSWORD = "violet-harbour-lantern-42"


async def invite(
    client: httpx.AsyncClient, page: str, address: str, role: str = "staff", language: str = "en"
) -> httpx.Response:
    return await client.post(
        f"{page}/invite",
        data={
            "email": address,
            "role": role,
            "language": language,
            "_csrf_token": await csrf_token(client),
        },
    )


async def mailed(address: str) -> Message:
    """The newest invitation to `address`, rendered as it is sent (and parsed back)."""
    row = (
        await Outbox.select()
        .where((Outbox.to == address) & (Outbox.template == "team_invitation"))
        .order_by(Outbox.id, ascending=False)
        .first()
    )
    assert row is not None, f"no invitation mailed to {address}"
    return email.message_from_bytes(mail.render(row).as_bytes())


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


async def link_in_mail(address: str) -> str:
    """The path of the link in the newest invitation to `address`."""
    found = LINK.search(text_of(await mailed(address)))
    assert found, "no link in the mail"
    return f"/team-invitation/{found[1]}"
