"""The confirmation and promotion mails carry the ticket's QR, drawn by tickets/mail.py as
the message goes out and embedded in it, with the ticket page and PDF links; other mails
do not. (Delivery through a real SMTP server: tests/mail/test_ticket_qr.py.)"""

import io

import pytest
import zxingcpp
from PIL import Image

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import mail as ticket_mail
from forum_mgmt.tickets import services
from tests.factories import make_forum
from tests.registration.helpers import person


@pytest.fixture
def qr_in_mail(monkeypatch):
    monkeypatch.setattr(mail, "_inline_images", {})
    ticket_mail.install()


async def _row(template: str, to: str) -> dict:
    return await Outbox.select().where((Outbox.template == template) & (Outbox.to == to)).first()


def _parts(message) -> tuple[str, str, bytes | None]:
    parts = {p.get_content_type(): p for p in message.walk()}
    html = parts["text/html"].get_payload(decode=True).decode()
    text = parts["text/plain"].get_payload(decode=True).decode()
    png = parts["image/png"].get_payload(decode=True) if "image/png" in parts else None
    return html, text, png


def _decode(png: bytes) -> str:
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return decoded.text


async def test_confirmation_mail_embeds_the_qr_that_decodes_to_the_ticket(qr_in_mail):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    message = await mail.compose(await _row("confirmed", reg.email))
    html, text, png = _parts(message)
    page = registration.manage_url(reg)
    cid = next(p for p in message.walk() if p.get_content_type() == "image/png")["Content-ID"]
    assert f'<img src="cid:{cid.strip("<>")}"' in html
    assert f'href="{page}/ticket.pdf"' in html
    assert "some mail programs block images" in html
    assert f"{page}/ticket.pdf" in text and page in text
    assert _decode(png) == (await services.issue(forum, reg)).code


async def test_without_the_drawing_the_qr_is_the_remote_picture(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    html, _text, png = _parts(mail.render(await _row("confirmed", reg.email)))
    page = registration.manage_url(reg)
    assert png is None
    assert f'<img src="{page}/qr.png"' in html
    served = await client.get(f"/tickets/{reg.token}/qr.png")  # what the image loads
    assert _decode(served.content) == (await services.issue(forum, reg)).code


async def test_promotion_mail_carries_the_qr_the_waiting_list_mail_does_not(qr_in_mail):
    forum = await make_forum("tf", capacity=1, waitlist=True)
    first = (await registration.register(forum, person(1))).registration
    second = (await registration.register(forum, person(2))).registration
    waiting_html, _text, png = _parts(await mail.compose(await _row("waitlisted", second.email)))
    assert (png, "<img" in waiting_html) == (None, False)
    await registration.cancel(forum, first, by="attendee")
    html, text, png = _parts(await mail.compose(await _row("promoted", second.email)))
    assert '<img src="cid:' in html
    assert f"{registration.manage_url(second)}/ticket.pdf" in text
    second = await registration.get_registration(forum, second.id)
    assert _decode(png) == (await services.issue(forum, second)).code
    cancelled_html, _text, png = _parts(await mail.compose(await _row("cancelled", first.email)))
    assert (png, "<img" in cancelled_html) == (None, False)


async def test_the_drawing_reads_the_token_or_an_older_messages_page():
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    code = (await services.issue(forum, reg)).code
    page = registration.manage_url(reg)
    assert _decode(await ticket_mail.ticket_qr({"token": reg.token, "page": page})) == code
    assert _decode(await ticket_mail.ticket_qr({"page": page})) == code  # queued before
    assert await ticket_mail.ticket_qr({"token": "gone", "page": page}) is None
    await registration.cancel(forum, reg, by="attendee")
    assert await ticket_mail.ticket_qr({"token": reg.token, "page": page}) is None
