"""Issue 15's "Done when", over HTTP with a real SMTP server: two attendees star and book a
session, the organizer moves it twice within the delay and cancels another starred one;
after the delay each attendee has exactly one mail listing both changes in their own
language, the speaker one, the person who opted out none."""

from __future__ import annotations

import datetime as dt

from forum_mgmt.core import time
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.notices import services as notices
from forum_mgmt.notices.tables import NoticeOptOut, PendingNotice
from tests.conftest import csrf_token, sign_in
from tests.factories import at
from tests.notices.world import build


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


async def test_one_mail_per_person_listing_every_change_in_their_language(client, smtp):
    inbox = smtp()
    world = await build(client)
    assert await mail.send_all() == 3  # their confirmations
    inbox.messages.clear()
    # Carol opts out through the link her mails carry: the link shows a button, POST confirms.
    link = notices.opt_out_url(world.forum, notices.Person("r", world.carol.id))
    path = link.removeprefix("http://127.0.0.1:8000")
    page = await client.get(path)
    assert page.status_code == 200
    assert "Send me no more of these notices" in page.text
    assert await NoticeOptOut.count() == 0  # a GET (a mail scanner) changes nothing
    done = await client.post(path, data={"_csrf_token": await csrf_token(client)})
    assert done.status_code == 200
    assert "Carol gets no more mail" in done.text
    forged = await client.get(path[:-4] + "0000")
    assert forged.status_code == 404
    started = time.now()

    # The organizer moves the workshop twice, then cancels the panel.
    for body in (
        {"starts_at": at("13:00"), "ends_at": at("14:00")},
        {"starts_at": at("13:30"), "ends_at": at("14:30"), "room_id": world.small.id},
    ):
        moved = await client.patch(
            f"/api/forums/nf/sessions/{world.workshop.id}", json=body, headers=world.auth
        )
        assert moved.status_code == 200, moved.text
    gone = await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)
    assert gone.status_code == 204

    # Written with the changes: Alice and Bob two sessions each, the speaker one, Carol none.
    rows = await PendingNotice.select(
        PendingNotice.registration, PendingNotice.speaker, PendingNotice.session
    ).order_by(PendingNotice.id)
    assert {(r["registration"], r["speaker"], r["session"]) for r in rows} == set(
        [
            (world.alice.id, None, world.workshop.id),
            (world.bob.id, None, world.workshop.id),
            (None, world.speaker.id, world.workshop.id),
            (world.alice.id, None, world.panel.id),
            (world.bob.id, None, world.panel.id),
        ]
    )

    # Within the delay (15 minutes by default) nothing goes.
    assert await mail.send_all(now=started + dt.timedelta(minutes=10)) == 0
    assert inbox.messages == []

    # The organizer's page shows who waits, for how many sessions, which ones.
    await sign_in(client, "org-nf")
    waiting = await client.get("/manage/forums/nf/notices")
    assert waiting.status_code == 200
    assert "3 people waiting for a notice" in waiting.text
    assert waiting.text.count("2 sessions") == 2 and waiting.text.count("1 session<") == 1
    assert "alice@example.org" in waiting.text and "carol@example.org" not in waiting.text

    # After the delay: exactly one mail each.
    assert await mail.send_all(now=started + dt.timedelta(minutes=16)) == 3
    by_to = {m["To"]: m for m in inbox.messages}
    assert sorted(by_to) == ["alice@example.org", "bob@example.org", "speaker@example.org"]
    assert len(inbox.messages) == 3
    assert await PendingNotice.count() == 0

    alice = _text(by_to["alice@example.org"])
    assert by_to["alice@example.org"]["Subject"] == "2 sessions you follow have changed: Test Forum"
    day = at("10:00")[:10]
    assert f"Time: {day} 10:00–11:00 → {day} 13:30–14:30" in alice
    assert "Room: Main Hall → Room 201" in alice
    assert f"Cancelled (it was {day} 15:00–16:00, Main Hall)." in alice
    assert "Open data workshop" in alice and "Closing panel" in alice
    assert "Times are in Asia/Taipei." in alice
    assert f"/forums/nf/sessions/{world.workshop.id}" in alice
    assert f"/tickets/{world.alice.token}" in alice
    assert f"/tickets/{world.alice.token}/agenda.ics" in alice
    assert f"/notices/r{world.alice.id}/" in alice
    assert "13:00" not in alice  # the first move was overtaken by the second

    bob = _text(by_to["bob@example.org"])
    assert by_to["bob@example.org"]["Subject"] == "您關注的 2 場議程有變動：測試論壇"
    assert f"時間：{day} 10:00–11:00 → {day} 13:30–14:30" in bob
    assert "會議室：國際會議廳 → 201 會議室" in bob
    assert f"已取消（原訂 {day} 15:00–16:00，國際會議廳）。" in bob
    assert "開放資料工作坊" in bob and "閉幕座談" in bob
    assert f"/tickets/{world.bob.token}/agenda.ics" in bob
    assert "開放資料工作坊" in _html(by_to["bob@example.org"])

    speaker = _text(by_to["speaker@example.org"])
    assert by_to["speaker@example.org"]["Subject"] == (
        "1 session you follow has changed: Test Forum"
    )
    assert "Dear Ms Speaker," in speaker
    assert "Open data workshop" in speaker and "Closing panel" not in speaker
    assert "/tickets/" not in speaker
    assert f"/notices/s{world.speaker.id}/" in speaker

    # Exactly once: later runs send nothing more.
    assert await mail.send_all(now=started + dt.timedelta(minutes=60)) == 0
    assert len(inbox.messages) == 3
    assert await Outbox.count().where(Outbox.template == notices.TEMPLATE) == 3

    # The builder shows the workshop's expected audience (Alice and Bob, each once however
    # they booked and starred) against its seats, and warns once its room is too small,
    # naming the larger room that is free then (the cancelled panel left Main Hall free).
    grid = await client.get(f"/manage/forums/nf/agenda?day={day}")
    assert "2 expected / 30 seats" in grid.text
    shrunk = await client.patch(
        f"/api/forums/nf/rooms/{world.small.id}", json={"capacity": 1}, headers=world.auth
    )
    assert shrunk.status_code == 200, shrunk.text
    own = await client.patch(  # two have booked: the organizer accepts the clash
        f"/api/forums/nf/sessions/{world.workshop.id}",
        json={"capacity": None, "allow_conflicts": True},
        headers=world.auth,
    )
    assert own.status_code == 200, own.text
    grid = await client.get(f"/manage/forums/nf/agenda?day={day}")
    assert '<span class="gauge crowded" data-expected="2" data-seats="1">' in grid.text
    assert "Room too small. Main Hall (200 seats) is free then: swap rooms?" in grid.text
