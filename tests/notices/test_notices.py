"""Agenda change notices: what is collected, what is undone, holding and sending now, who
is never told, the ticket page's recent changes and the delay setting."""

from __future__ import annotations

import datetime as dt

from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail import services as mail
from forum_mgmt.notices.tables import PendingNotice
from forum_mgmt.privacy import services as privacy
from forum_mgmt.registration import services as registration
from tests.conftest import csrf_token, sign_in
from tests.factories import at
from tests.notices.world import build

LATER = dt.timedelta(minutes=16)


async def _settle(inbox) -> None:
    await mail.send_all()  # the confirmations
    inbox.messages.clear()


async def _patch(client, world, session, body):
    answer = await client.patch(
        f"/api/forums/{world.forum.slug}/sessions/{session.id}", json=body, headers=world.auth
    )
    assert answer.status_code == 200, answer.text


async def test_a_change_undone_before_the_mail_goes_sends_nothing(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    await _patch(client, world, world.workshop, {"starts_at": at("13:00"), "ends_at": at("14:00")})
    await _patch(client, world, world.workshop, {"room_id": world.small.id})
    await _patch(client, world, world.workshop, {"starts_at": at("10:00"), "ends_at": at("11:00")})
    await _patch(client, world, world.workshop, {"room_id": world.hall.id})
    assert await PendingNotice.count() == 3  # still waiting: the mail decides at send time

    assert await mail.send_all(now=time.now() + LATER) == 0
    assert inbox.messages == []
    assert await PendingNotice.count() == 0  # taken, and nothing to say


async def test_a_title_change_or_a_draft_forum_tells_nobody(client, smtp):
    smtp()
    world = await build(client)
    await _patch(client, world, world.workshop, {"title": "Open data, hands on"})
    assert await PendingNotice.count() == 0
    draft = await build(client, "df")
    hidden = await client.post("/api/forums/df/unpublish", headers=draft.auth)
    assert hidden.status_code in (200, 201)
    await _patch(client, draft, draft.workshop, {"starts_at": at("12:00"), "ends_at": at("13:00")})
    assert await PendingNotice.count() == 0


async def test_held_notices_wait_until_sent_now(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    await sign_in(client, "org-nf")
    token = await csrf_token(client)
    held = await client.post(
        "/manage/forums/nf/notices/hold", data={"held": "1", "_csrf_token": token}
    )
    assert (held.status_code, held.headers["location"]) == (
        303,
        "/manage/forums/nf/notices?done=held",
    )
    await _patch(client, world, world.panel, {"room_id": world.small.id})

    assert await mail.send_all(now=time.now() + dt.timedelta(hours=3)) == 0  # held
    page = await client.get("/manage/forums/nf/notices?lang=zh-TW")
    assert "已暫停：您調整議程期間不會寄出任何通知。" in page.text
    assert "3 人等候通知" in page.text and "閉幕座談" in page.text

    sent = await client.post("/manage/forums/nf/notices/send", data={"_csrf_token": token})
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/manage/forums/nf/notices?done=sent",
    )
    assert await mail.send_all() == 3  # Alice, Bob, Carol starred the panel; now, not later
    assert sorted(m["To"] for m in inbox.messages) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    assert "Room: Main Hall → Room 201" in inbox.messages[0].get_body(("plain",)).get_content()
    page = await client.get("/manage/forums/nf/notices?lang=en")
    assert "No notice is waiting." in page.text and "Hold the notices" in page.text


async def test_no_notice_for_the_cancelled_or_the_anonymised(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    await _patch(client, world, world.panel, {"starts_at": at("16:00"), "ends_at": at("17:00")})
    assert await PendingNotice.count() == 3
    await registration.cancel(world.forum, world.alice, by="attendee")
    await privacy.anonymise(world.forum, world.bob)  # the erasure's path clears his notices
    assert await PendingNotice.count().where(PendingNotice.registration == world.bob.id) == 0
    await mail.send_all()  # Alice's cancellation mail
    inbox.messages.clear()

    assert await mail.send_all(now=time.now() + LATER) == 1
    assert [m["To"] for m in inbox.messages] == ["carol@example.org"]


async def test_removed_then_restored_is_nothing_and_restored_later_is_told(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    gone = await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)
    assert gone.status_code == 204
    back = await client.post(
        f"/api/forums/nf/sessions/{world.panel.id}/restore", headers=world.auth
    )
    assert back.status_code == 200, back.text
    assert await mail.send_all(now=time.now() + LATER) == 0

    await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)
    assert await mail.send_all(now=time.now() + LATER) == 3
    inbox.messages.clear()
    await client.post(f"/api/forums/nf/sessions/{world.panel.id}/restore", headers=world.auth)
    assert await mail.send_all(now=time.now() + LATER) == 3
    day = at("15:00")[:10]
    bodies = {m["To"]: m.get_body(("plain",)).get_content() for m in inbox.messages}
    assert f"Back on the agenda: {day} 15:00–16:00, Main Hall." in bodies["alice@example.org"]
    assert f"恢復舉行：{day} 15:00–16:00，國際會議廳。" in bodies["bob@example.org"]
    again = await client.post(
        f"/api/forums/nf/sessions/{world.panel.id}/restore", headers=world.auth
    )
    assert again.status_code == 409


async def test_a_renamed_room_is_a_change_of_room(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    renamed = await client.patch(
        f"/api/forums/nf/rooms/{world.hall.id}",
        json={"name": "Grand Hall", "name_local": "大禮堂"},
        headers=world.auth,
    )
    assert renamed.status_code == 200
    assert await mail.send_all(now=time.now() + LATER) == 4  # Alice, Bob, Carol, the speaker
    bodies = {m["To"]: m.get_body(("plain",)).get_content() for m in inbox.messages}
    assert "Room: Main Hall → Grand Hall" in bodies["alice@example.org"]
    assert "會議室：國際會議廳 → 大禮堂" in bodies["bob@example.org"]


async def test_the_ticket_page_shows_recent_changes_to_ones_sessions(client, smtp):
    smtp()
    world = await build(client)
    await _patch(client, world, world.workshop, {"starts_at": at("13:00"), "ends_at": at("14:00")})
    await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)
    day = at("10:00")[:10]

    page = await client.get(f"/tickets/{world.bob.token}?lang=zh-TW")
    assert page.status_code == 200
    assert "我的議程近期變動" in page.text
    section = page.text.split('id="recent-changes"')[1].split("</section>")[0]
    assert "閉幕座談" in section and "已取消" in section
    assert "開放資料工作坊" in section
    assert f"<del>{day} 10:00–11:00</del> → <ins>{day} 13:00–14:00</ins>" in section
    assert "時間：" in section
    assert section.index("閉幕座談") < section.index("開放資料工作坊")  # newest first

    carol = await client.get(f"/tickets/{world.carol.token}?lang=en")
    section = carol.text.split('id="recent-changes"')[1].split("</section>")[0]
    assert "Closing panel" in section and "Open data workshop" not in section  # not hers


async def test_the_delay_is_a_setting_of_the_forum(client, smtp):
    smtp()
    world = await build(client)
    api = await client.patch("/api/forums/nf", json={"notice_delay_minutes": 0}, headers=world.auth)
    assert (api.status_code, api.json()["notice_delay_minutes"]) == (200, 0)
    bad = await client.patch(
        "/api/forums/nf", json={"notice_delay_minutes": -1}, headers=world.auth
    )
    assert bad.status_code == 400 or bad.status_code == 422
    await _patch(client, world, world.panel, {"room_id": world.small.id})
    assert await mail.send_all() >= 3  # due at once: no time needs to pass

    await sign_in(client, "org-nf")
    form = await client.get("/manage/forums/nf")
    assert 'name="notice_delay_minutes" type="number" value="0"' in form.text
    fields = {
        "name": "Test Forum",
        "starts_on": world.forum.starts_on.isoformat(),
        "ends_on": world.forum.ends_on.isoformat(),
        "timezone": "Asia/Taipei",
        "_csrf_token": await csrf_token(client),
    }
    saved = await client.post("/manage/forums/nf", data={**fields, "notice_delay_minutes": "5"})
    assert saved.status_code == 303, saved.text
    forum = await Forum.objects().where(Forum.slug == "nf").first()
    assert forum.notice_delay_minutes == 5
    refused = await client.post("/manage/forums/nf", data={**fields, "notice_delay_minutes": "-1"})
    assert refused.status_code == 422
    assert (await Forum.objects().where(Forum.slug == "nf").first()).notice_delay_minutes == 5


async def test_a_speakers_address_is_nowhere_public(client, smtp):
    smtp()
    world = await build(client)
    speakers = await client.get("/api/forums/nf/speakers", headers={"accept": "application/json"})
    assert speakers.status_code == 200
    assert [s["name"] for s in speakers.json()] == ["Ms Speaker"]
    for url in (
        "/api/forums/nf/speakers",
        "/api/forums/nf/sessions",
        f"/forums/nf/speakers/{world.speaker.id}",
        f"/forums/nf/sessions/{world.workshop.id}",
        "/forums/nf/agenda.ics",
    ):
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert "speaker@example.org" not in answer.text, url


async def test_the_organizer_puts_a_removed_session_back_from_the_change_log(client, smtp):
    inbox = smtp()
    world = await build(client)
    await _settle(inbox)
    await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)
    assert await mail.send_all(now=time.now() + LATER) == 3  # cancelled: told
    inbox.messages.clear()
    await sign_in(client, "org-nf")
    log = await client.get("/manage/forums/nf/changes?lang=en")
    assert "Put it back on the agenda" in log.text
    back = await client.post(
        f"/manage/forums/nf/sessions/{world.panel.id}/restore",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert (back.status_code, back.headers["location"]) == (303, "/manage/forums/nf/changes")
    log = await client.get("/manage/forums/nf/changes?lang=en")
    assert "Put it back on the agenda" not in log.text and "Put back" in log.text
    assert await mail.send_all(now=time.now() + LATER) == 3
    assert all(
        "Back on the agenda" in m.get_body(("plain",)).get_content()
        for m in inbox.messages
        if m["To"] != "bob@example.org"
    )


async def test_a_speaker_who_registered_gets_one_mail_as_an_attendee(client, smtp):
    inbox = smtp()
    world = await build(client)
    taken = await client.patch(
        f"/api/forums/nf/speakers/{world.speaker.id}",
        json={"email": "Bob@Example.org"},  # Bob speaks too, and stars the workshop
        headers=world.auth,
    )
    assert taken.status_code == 200
    await _settle(inbox)
    await _patch(client, world, world.workshop, {"starts_at": at("12:00"), "ends_at": at("13:00")})
    assert await mail.send_all(now=time.now() + LATER) == 2
    assert sorted(m["To"] for m in inbox.messages) == ["alice@example.org", "bob@example.org"]
    bob = next(m for m in inbox.messages if m["To"] == "bob@example.org")
    assert f"/tickets/{world.bob.token}" in bob.get_body(("plain",)).get_content()
    assert "Bob 您好：" in bob.get_body(("plain",)).get_content()  # his language, as an attendee
