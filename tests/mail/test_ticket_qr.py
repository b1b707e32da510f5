"""The ticket's QR travels inside the mail (multipart/related, shown by `cid:`), drawn when
the message goes out: always the current code, and none once the seat is gone."""

import io
import logging

import zxingcpp
from PIL import Image

from forum_mgmt.core import i18n
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import services as tickets
from tests.factories import make_forum
from tests.registration.helpers import person

WITH_QR = [
    "multipart/mixed",
    "multipart/alternative",
    "text/plain",
    "multipart/related",
    "text/html",
    "image/png",
    "text/calendar",
]
WITHOUT_QR = [
    "multipart/mixed",
    "multipart/alternative",
    "text/plain",
    "text/html",
    "text/calendar",
]


def _to(inbox, address: str, subject_part: str):
    (message,) = [m for m in inbox.messages if m["To"] == address and subject_part in m["Subject"]]
    return message


def _embedded_qr(message) -> str:
    """The text of the QR the HTML part shows from inside the message."""
    assert [p.get_content_type() for p in message.walk()] == WITH_QR
    (related,) = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    html, png = related.iter_parts()
    assert png.get_content_disposition() == "inline"
    cid = png["Content-ID"].removeprefix("<").removesuffix(">")
    assert f'<img src="cid:{cid}" width="240" height="240"' in html.get_content()
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    return decoded.text


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def _ours(caplog) -> list:
    """Our log records: the SMTP server logs its connections from its own thread, at times
    after the block that raised the level has ended."""
    return [r for r in caplog.records if r.name.startswith("forum_mgmt")]


async def test_the_confirmation_carries_the_qr_of_the_current_ticket(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    reg = (await registration.register(forum, person(1))).registration
    assert await mail.send_all() == 1
    assert await tickets.current_serial(reg.id) == 1  # issued by the send, as the page does
    message = _to(inbox, reg.email, "registered")
    assert _embedded_qr(message) == (await tickets.issue(forum, reg)).code
    page = registration.manage_url(reg)
    text = message.get_body(("plain",)).get_content()
    assert f"{page}\n" in text and f"{page}/ticket.pdf" in text
    assert f'<a href="{page}/ticket.pdf">Printable ticket (PDF)</a>' in _html(message)
    assert "qr.png" not in _html(message)
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "forum.ics"


async def test_a_reissue_between_queueing_and_sending_mails_the_new_code(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    reg = (await registration.register(forum, person(1))).registration
    old = await tickets.issue(forum, reg)
    new = await tickets.reissue(forum, reg)
    assert await mail.send_all() == 1
    (message,) = inbox.messages
    assert _embedded_qr(message) == new.code != old.code


async def test_a_seat_cancelled_before_sending_leaves_the_links_alone(smtp, qr_in_mail, caplog):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    reg = (await registration.register(forum, person(1))).registration
    await registration.cancel(forum, reg, by="attendee")
    with caplog.at_level(logging.WARNING, logger="forum_mgmt.mail"):
        assert await mail.send_all() == 2  # the confirmation, then the cancellation
    assert _ours(caplog) == []
    message = _to(inbox, reg.email, "registered")
    assert [p.get_content_type() for p in message.walk()] == WITHOUT_QR
    html = _html(message)
    page = registration.manage_url(reg)
    assert "<img" not in html
    assert "Your ticket's QR code, to show at the door, is on your ticket page:" in html
    assert f'<a href="{page}">{page}</a>' in html
    rows = await Outbox.select(Outbox.status, Outbox.attempts, Outbox.last_error)
    assert rows == [{"status": "sent", "attempts": 1, "last_error": ""}] * 2


async def test_the_waiting_list_mail_has_no_qr_the_promotion_mail_has_it(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=1, waitlist=True)
    first = (await registration.register(forum, person(1))).registration
    second = (await registration.register(forum, person(2))).registration
    assert await mail.send_all() == 2
    waiting = _to(inbox, second.email, "waiting list")
    assert [p.get_content_type() for p in waiting.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert "<img" not in _html(waiting)
    await registration.cancel(forum, first, by="attendee")
    assert await mail.send_all() == 2  # the cancellation and the promotion
    promoted = _to(inbox, second.email, "seat")
    second = await registration.get_registration(forum, second.id)
    assert _embedded_qr(promoted) == (await tickets.issue(forum, second)).code
    cancelled = _to(inbox, first.email, "cancel")
    assert "image/png" not in [p.get_content_type() for p in cancelled.walk()]


async def test_an_approval_mail_carries_the_qr(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=5, approval=True)
    reg = (await registration.register(forum, person(1))).registration
    reg = await registration.approve(forum, reg)
    assert await mail.send_all() == 2
    pending = _to(inbox, reg.email, "received")
    assert "image/png" not in [p.get_content_type() for p in pending.walk()]
    approved = _to(inbox, reg.email, "approved")
    assert _embedded_qr(approved) == (await tickets.issue(forum, reg)).code


async def test_a_chinese_confirmation_carries_the_qr_too(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    with i18n.language("zh-TW"):
        reg = (await registration.register(forum, person(1, name_local="林一"))).registration
    assert await mail.send_all() == 1
    (message,) = inbox.messages
    assert message["Subject"] == "報名成功：測試論壇"
    assert _embedded_qr(message) == (await tickets.issue(forum, reg)).code
    assert 'alt="您的票券 QR 碼"' in _html(message)
    assert "入場時請出示此 QR 碼。若圖片無法顯示" in _html(message)


async def test_a_picture_that_cannot_be_drawn_never_stops_the_message(smtp, monkeypatch, caplog):
    async def broken(ticket: dict) -> bytes | None:
        raise RuntimeError("no key")

    monkeypatch.setattr(mail, "_inline_images", {})
    mail.register_inline_image("ticket", broken)
    inbox = smtp()
    forum = await make_forum(capacity=5)
    reg = (await registration.register(forum, person(1))).registration
    with caplog.at_level(logging.ERROR, logger="forum_mgmt.mail"):
        assert await mail.send_all() == 1
    assert [r.getMessage() for r in _ours(caplog)] == ["inline picture 'ticket' could not be drawn"]
    (message,) = inbox.messages
    assert [p.get_content_type() for p in message.walk()] == WITHOUT_QR
    page = registration.manage_url(reg)
    assert f'<a href="{page}">{page}</a>' in _html(message)
