"""The confirmation and promotion mails carry the ticket's QR (a remote PNG from the
tickets domain) with the ticket page and PDF links; other mails do not."""

import io

import zxingcpp
from PIL import Image

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import services
from tests.factories import make_forum
from tests.registration.helpers import person


async def _message(template: str, to: str):
    row = await Outbox.select().where((Outbox.template == template) & (Outbox.to == to)).first()
    message = mail.render(row)
    parts = {p.get_content_type(): p for p in message.walk()}
    html = parts["text/html"].get_payload(decode=True).decode()
    text = parts["text/plain"].get_payload(decode=True).decode()
    return html, text


async def test_confirmation_mail_shows_the_qr_that_decodes_to_the_ticket(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    html, text = await _message("confirmed", reg.email)
    page = registration.manage_url(reg)
    assert f'<img src="{page}/qr.png"' in html
    assert f'href="{page}/ticket.pdf"' in html
    assert "some mail programs block images" in html
    assert f"{page}/ticket.pdf" in text and page in text
    served = await client.get(f"/tickets/{reg.token}/qr.png")  # what the image loads
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(served.content)))
    assert decoded.text == (await services.issue(forum, reg)).code


async def test_promotion_mail_carries_the_qr_the_waiting_list_mail_does_not():
    forum = await make_forum("tf", capacity=1, waitlist=True)
    first = (await registration.register(forum, person(1))).registration
    second = (await registration.register(forum, person(2))).registration
    waiting_html, _text = await _message("waitlisted", second.email)
    assert "qr.png" not in waiting_html
    await registration.cancel(forum, first, by="attendee")
    html, text = await _message("promoted", second.email)
    assert f'<img src="{registration.manage_url(second)}/qr.png"' in html
    assert f"{registration.manage_url(second)}/ticket.pdf" in text
    cancelled_html, _text = await _message("cancelled", first.email)
    assert "qr.png" not in cancelled_html
