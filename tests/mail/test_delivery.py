"""Delivery with a real local SMTP server (aiosmtpd): sent after commit, never lost."""

import asyncio
import datetime as dt

from icalendar import Calendar

from forum_mgmt.core import i18n
from forum_mgmt.core.settings import get_settings
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.tables import Registration
from tests.factories import DAY, NEXT_DAY, make_forum
from tests.mail.smtp import free_port
from tests.registration.helpers import person


def _later(minutes: int = 120) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)


async def test_confirmation_goes_out_with_text_html_link_and_calendar(smtp):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    outcome = await services.register(forum, person(1))
    assert await mail.send_all() == 1
    (message,) = inbox.messages
    assert message["To"] == "person1@example.org"
    assert message["Subject"] == "You are registered: Test Forum"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/tickets/{outcome.registration.token}" in text
    assert f"/tickets/{outcome.registration.token}" in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert f"DTSTART;VALUE=DATE:{DAY:%Y%m%d}" in attachment.get_content()
    row = await Outbox.objects().first()
    assert (row.status, row.attempts) == ("sent", 1)


async def test_mail_is_in_the_attendees_language(smtp):
    inbox = smtp()
    forum = await make_forum(capacity=0)
    with i18n.language("zh-TW"):
        await services.register(forum, person(1))
    await mail.send_all()
    (message,) = inbox.messages
    assert "測試論壇" in message["Subject"]
    assert "報名" in message["Subject"]


async def test_a_chinese_confirmation_carries_the_ticket_links_and_a_calendar(smtp, qr_in_mail):
    inbox = smtp()
    forum = await make_forum(capacity=5)
    with i18n.language("zh-TW"):
        outcome = await services.register(forum, person(1, name_local="林一"))
    reg = outcome.registration
    assert reg.language == "zh-TW"
    assert await mail.send_all() == 1
    (message,) = inbox.messages
    assert message["Subject"] == "報名成功：測試論壇"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    page = f"{get_settings().base_url}/tickets/{reg.token}"
    for body in (text, html):
        assert "林一 您好：" in body
        assert "您的座位已確認，期待與您見面。" in body
        assert page in body
        assert f"{page}/ticket.pdf" in body
    assert "可列印的票券（PDF）：" in text
    assert f'<a href="{page}/ticket.pdf">可列印的票券（PDF）</a>' in html
    assert '<img src="cid:' in html  # the QR travels inside (tests/mail/test_ticket_qr.py)
    assert "qr.png" not in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "forum.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "測試論壇"
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        DAY,
        NEXT_DAY,
    )
    assert str(event["UID"]) == "forum-test-forum@forum-mgmt"
    assert str(event["URL"]) == f"{get_settings().base_url}/forums/test-forum"


async def test_a_server_that_is_down_loses_nothing_and_a_retry_sends(smtp, monkeypatch):
    port = free_port()
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")  # nobody listens
    forum = await make_forum(capacity=5)
    await services.register(forum, person(1))
    assert await Registration.count() == 1  # the registration never waits for mail
    assert await mail.send_all() == 0
    row = await Outbox.objects().first()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at > dt.datetime.now(dt.UTC)
    assert await mail.send_all() == 0  # not due yet: backoff
    inbox = smtp(port=port)
    assert await mail.send_all(now=_later()) == 1
    assert [m["To"] for m in inbox.messages] == ["person1@example.org"]
    assert (await Outbox.objects().first()).status == "sent"


async def test_a_server_that_refuses_keeps_the_message_queued(smtp):
    smtp(refuse=True)
    forum = await make_forum(capacity=5)
    await services.register(forum, person(1))
    await services.register(forum, person(2))
    assert await mail.send_all() == 0
    rows = await Outbox.objects().order_by(Outbox.id)
    assert [(r.status, r.attempts) for r in rows] == [("queued", 1), ("queued", 1)]
    assert "451" in rows[0].last_error
    inbox = smtp()
    assert await mail.send_all(now=_later()) == 2
    assert sorted(m["To"] for m in inbox.messages) == [
        "person1@example.org",
        "person2@example.org",
    ]
    assert await mail.send_all(now=_later()) == 0  # sent once, never twice


async def test_gives_up_after_the_last_attempt():
    row = await mail.enqueue(
        "x@example.org", "missing-template", language="en", context={}, forum_id=None
    )
    for attempt in range(mail.MAX_ATTEMPTS):
        await mail.send_all(now=_later(60 * 24 * (attempt + 1)))
    fresh = await Outbox.objects().get(Outbox.id == row.id)
    assert (fresh.status, fresh.attempts) == ("failed", mail.MAX_ATTEMPTS)


async def test_development_outbox_folder_without_smtp(monkeypatch, tmp_path):
    monkeypatch.delenv("SMTP_URL", raising=False)
    forum = await make_forum(capacity=5)
    await services.register(forum, person(1))
    assert await mail.send_all() == 1
    from forum_mgmt.core.settings import get_settings

    files = list((get_settings().data_dir / "outbox").glob("*.eml"))
    assert files
    assert any(b"person1@example.org" in f.read_bytes() for f in files)


def test_backoff_doubles_up_to_an_hour():
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


async def test_the_worker_delivers_soon_after_a_registration_is_committed(smtp):
    inbox = smtp()
    await mail.start_worker()
    try:
        forum = await make_forum(capacity=5)
        await services.register(forum, person(1))  # wakes the worker after its commit
        for _ in range(100):
            # The server keeps the message before its 250 reaches the worker: wait for the row.
            if inbox.messages and (await Outbox.objects().first()).status == "sent":
                break
            await asyncio.sleep(0.05)
    finally:
        await mail.stop_worker()
    assert [m["To"] for m in inbox.messages] == ["person1@example.org"]
    assert (await Outbox.objects().first()).status == "sent"


async def test_mail_worker_off_leaves_delivery_to_the_command(smtp, monkeypatch):
    inbox = smtp()
    monkeypatch.setenv("MAIL_WORKER", "off")
    await mail.start_worker()
    try:
        forum = await make_forum(capacity=5)
        await services.register(forum, person(1))
        await asyncio.sleep(mail.QUIET * 2)
        assert inbox.messages == []
        assert (await Outbox.objects().first()).status == "queued"
    finally:
        await mail.stop_worker()
