"""Documents in their reader's language: a person who signs up in Traditional Chinese gets
every mail, the ticket page, the personal calendar and the confirmation .ics in Chinese;
the organizer's CSV headers are in the organizer's language."""

import csv
import io
from email.header import decode_header, make_header

from icalendar import Calendar

from forum_mgmt.forums.tables import Role
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_session, make_user
from tests.registration.helpers import body, person


async def _rows(to: str) -> list[dict]:
    return await Outbox.select().where(Outbox.to == to).order_by(Outbox.id)


def _read(row: dict) -> tuple[str, str, bytes | None]:
    """(subject, plain text, calendar attachment) of a queued message as it goes out."""
    message = mail.render(row)
    subject = str(make_header(decode_header(message["Subject"])))
    parts = {p.get_content_type(): p for p in message.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode()
    ics = parts["text/calendar"].get_payload(decode=True) if "text/calendar" in parts else None
    return subject, text, ics


async def _sign_up_on_the_chinese_page(client, n: int = 1) -> Registration:
    token = await csrf_token(client)
    form = {**body(n), "consent": "on", "_csrf_token": token}
    response = await client.post("/forums/tf/register?lang=zh-TW", data=form)
    assert response.status_code == 303, response.text
    client.cookies.delete("lang")  # the person's next visit: a browser that said nothing
    found = await Registration.objects().where(Registration.email == form["email"]).first()
    assert found is not None
    return found


async def test_a_sign_up_in_chinese_gets_mail_page_and_calendars_in_chinese(client):
    forum = await make_forum(
        "tf", venue="Taipei Expo", venue_local="臺北世貿", theme="Aid", theme_local="援助"
    )
    session = await make_session(forum, "Opening", title_local="開幕式")
    reg = await _sign_up_on_the_chinese_page(client)
    assert reg.language == "zh-TW"
    [row] = await _rows(reg.email)
    subject, text, ics = _read(row)
    assert subject == "報名成功：測試論壇"
    assert "您的座位已確認" in text and "Your seat" not in text
    assert ics is not None
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("測試論壇", "臺北世貿")

    page = await client.get(f"/tickets/{reg.token}", headers={"accept-language": "en"})
    assert "您的報名" in page.text and "Your registration" not in page.text
    english = await client.get(f"/tickets/{reg.token}?lang=en")  # the reader's own choice
    assert "Your registration" in english.text
    client.cookies.delete("lang")

    await client.post(
        f"/tickets/{reg.token}/stars/{session.id}/star",
        data={"_csrf_token": client.cookies["csrftoken"]},
    )
    feed = await client.get(f"/tickets/{reg.token}/agenda.ics", headers={"accept-language": "en"})
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "測試論壇 / Test Forum · 我的議程"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "開幕式 / Opening"


async def test_every_mail_kind_goes_out_in_the_readers_language(client):
    forum = await make_forum("tf", capacity=1, waitlist=True)
    first = (await registration.register(forum, person(1, language="zh-TW"))).registration
    second = (await registration.register(forum, person(2, language="zh-TW"))).registration
    await registration.cancel(forum, first, by="attendee")
    # the link again: the same address signs up once more
    await client.post(
        "/api/forums/tf/registrations",
        json={**body(2), "language": "zh-TW"},
        headers={"accept": "application/json"},
    )
    approving = await make_forum("ap", approval=True)
    third = (await registration.register(approving, person(3, language="zh-TW"))).registration
    fourth = (await registration.register(approving, person(4, language="zh-TW"))).registration
    await registration.approve(approving, third)
    await registration.reject(approving, fourth)
    subjects = {}
    for reg in (first, second, third, fourth):
        for row in await _rows(reg.email):
            subject, text, _ics = _read(row)
            subjects[row["template"], reg.email] = subject
            assert "Dear" not in text and "您好" in text, (row["template"], text)
    assert set(subjects) == {
        ("confirmed", first.email),
        ("cancelled", first.email),
        ("waitlisted", second.email),
        ("promoted", second.email),
        ("link", second.email),
        ("pending", third.email),
        ("approved", third.email),
        ("pending", fourth.email),
        ("rejected", fourth.email),
    }
    latin = {k: s for k, s in subjects.items() if any("a" <= ch.lower() <= "z" for ch in s)}
    assert latin == {}, latin


async def test_the_group_mail_goes_to_each_reader_in_their_language(client):
    forum = await make_forum("tf")
    zh = (await registration.register(forum, person(1, language="zh-TW"))).registration
    en = (await registration.register(forum, person(2, language="en"))).registration
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    sent = await client.post(
        "/manage/forums/tf/registrations/mail",
        data={
            "_csrf_token": token,
            "status": "confirmed",
            "subject": "Room change",
            "body": "We meet in Hall B.",
            "subject_local": "場地變更",
            "body_local": "改在 B 廳。",
        },
    )
    assert sent.status_code == 303
    [zh_row] = [r for r in await _rows(zh.email) if r["template"] == "message"]
    [en_row] = [r for r in await _rows(en.email) if r["template"] == "message"]
    zh_subject, zh_text, _ = _read(zh_row)
    en_subject, en_text, _ = _read(en_row)
    assert (zh_subject, en_subject) == ("場地變更", "Room change")
    assert "改在 B 廳。" in zh_text and "Hall B" not in zh_text
    assert "We meet in Hall B." in en_text and "B 廳" not in en_text


async def test_the_api_takes_a_language_and_defaults_to_the_requests(client):
    await make_forum("tf")
    url = "/api/forums/tf/registrations"
    json_only = {"accept": "application/json"}
    asked = await client.post(url, json={**body(1), "language": "zh-TW"}, headers=json_only)
    assert asked.status_code == 201, asked.text
    browser = {**json_only, "accept-language": "zh-TW,zh;q=0.9"}
    by_header = await client.post(url, json=body(2), headers=browser)
    plain = await client.post(url, json=body(3), headers=json_only)
    wrong = await client.post(url, json={**body(4), "language": "fr"}, headers=json_only)
    assert (by_header.status_code, plain.status_code, wrong.status_code) == (201, 201, 400)
    languages = await Registration.select(Registration.email, Registration.language).order_by(
        Registration.id
    )
    assert [r["language"] for r in languages] == ["zh-TW", "zh-TW", "en"]


async def test_the_ticket_page_changes_the_language_of_what_follows(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    token = await csrf_token(client)
    changed = await client.post(
        f"/tickets/{reg.token}/language", data={"_csrf_token": token, "language": "zh-TW"}
    )
    assert changed.status_code == 303
    stored = await Registration.objects().get(Registration.id == reg.id)
    assert stored.language == "zh-TW"
    refused = await client.post(
        f"/tickets/{reg.token}/language", data={"_csrf_token": token, "language": "xx"}
    )
    assert refused.status_code == 422
    await registration.cancel(forum, stored, by="attendee")
    [row] = [r for r in await _rows(reg.email) if r["template"] == "cancelled"]
    assert _read(row)[0] == "報名已取消：測試論壇"


async def test_csv_headers_are_in_the_organizers_language(client):
    forum = await make_forum("tf")
    await registration.add_question(forum, label="Diet", label_local="飲食", kind="text")
    await registration.register(forum, person(1))
    _user, api_token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    url = "/manage/forums/tf/registrations.csv"
    zh = await client.get(url, headers={**bearer(api_token), "accept-language": "zh-TW"})
    en = await client.get(url, headers={**bearer(api_token), "accept-language": "en"})
    zh_header = next(csv.reader(io.StringIO(zh.content.decode("utf-8-sig"))))
    en_header = next(csv.reader(io.StringIO(en.content.decode("utf-8-sig"))))
    assert zh_header[:5] == ["編號", "狀態", "候補順位", "身分", "名稱"]
    assert zh_header[-1] == "飲食" and en_header[-1] == "Diet"
    assert en_header[:5] == ["ID", "Status", "Place in line", "Category", "Name"]
