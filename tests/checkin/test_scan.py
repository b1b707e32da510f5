"""POST /api/forums/{slug}/checkins: one answer for every scan, one `ok` per person and list."""

import datetime as dt

from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import db
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category, Registration
from forum_mgmt.tickets import codes
from forum_mgmt.tickets import services as tickets
from forum_mgmt.tickets.keys import forum_key
from tests.checkin.helpers import door, open_forum, ticket, url
from tests.factories import make_forum, make_session
from tests.registration.helpers import person


async def test_first_scan_admits_with_the_persons_details(client):
    forum = await open_forum()
    reg, code = await ticket(forum, 1, name_local="一號")
    headers = await door(forum)
    answer = await client.post(url(forum), json={"code": code, "gate": "A"}, headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["result"] == "ok"
    assert body["message"] == "Welcome!"
    assert body["registration"] == {
        "id": reg.id,
        "name": "Person 1",
        "name_local": "一號",
        "organization": "TFCF",
        "category": "attendee",
        "category_name": "Attendee",
    }
    assert body["checked_in_at"].endswith("+08:00")
    assert body["previous"] is None
    rows = await Checkin.select(Checkin.id, Checkin.gate, Checkin.session, Checkin.manual)
    assert rows == [{"id": body["checkin_id"], "gate": "A", "session": None, "manual": False}]


async def test_second_scan_says_when_where_and_by_whom(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    first = await client.post(
        url(forum), json={"code": code, "gate": "A"}, headers=await door(forum)
    )
    again = await client.post(
        url(forum), json={"code": code, "gate": "B"}, headers=await door(forum, "other")
    )
    body = again.json()
    assert body["result"] == "already_checked_in"
    assert body["checkin_id"] is None
    assert body["previous"] == {"at": first.json()["checked_in_at"], "gate": "A", "by": "door"}
    at = dt.datetime.fromisoformat(first.json()["checked_in_at"]).strftime("%H:%M")
    assert body["message"] == f"Already checked in at {at}, A."
    assert await Checkin.count() == 1


async def test_a_scan_without_a_gate_says_nothing_of_one(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    first = await client.post(url(forum), json={"code": code}, headers=headers)
    again = await client.post(url(forum), json={"code": code}, headers=headers)
    body = again.json()
    assert body["previous"]["gate"] == ""
    # the forum's wall clock (Taipei), 24-hour
    at = dt.datetime.fromisoformat(first.json()["checked_in_at"]).strftime("%H:%M")
    assert body["message"] == f"Already checked in at {at}."
    zh = await client.post(
        url(forum), json={"code": code}, headers={**headers, "Accept-Language": "zh-TW"}
    )
    assert zh.json()["message"] == f"已於 {at} 報到。"


async def _result(client, forum, headers, **scan) -> dict:
    response = await client.post(url(forum), json={"gate": "A", **scan}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_codes_that_are_not_ours(client):
    forum = await open_forum()
    other = await open_forum("other")
    _reg, code = await ticket(forum)
    _oreg, other_code = await ticket(other, 2)
    headers = await door(forum)
    forged = code[:-8] + ("A" * 8 if not code.endswith("A" * 8) else "B" * 8)
    assert (await _result(client, forum, headers, code=forged))["result"] == "unknown"
    assert (await _result(client, forum, headers, code=code[:60]))["result"] == "unknown"
    assert (await _result(client, forum, headers, code="hello"))["result"] == "unknown"
    wrong = await _result(client, forum, headers, code=other_code)
    assert (wrong["result"], wrong["registration"]) == ("wrong_forum", None)
    assert wrong["message"] == "This ticket is for another forum."
    # signed by this forum's key, but for no registration of it
    ghost = codes.sign((await forum_key(forum)).private, forum.id, 999_999, 1)
    assert (await _result(client, forum, headers, code=ghost))["result"] == "unknown"
    assert await Checkin.count() == 0


async def test_a_reissued_ticket_revokes_the_old_code(client):
    forum = await open_forum()
    reg, old = await ticket(forum)
    new = (await tickets.reissue(forum, reg)).code
    headers = await door(forum)
    revoked = await _result(client, forum, headers, code=old)
    assert (revoked["result"], revoked["registration"]["id"]) == ("revoked", reg.id)
    assert (await _result(client, forum, headers, code=new))["result"] == "ok"


async def test_cancelled_and_unconfirmed_people_are_refused(client):
    forum = await open_forum(capacity=1, waitlist=True)
    reg, code = await ticket(forum, 1)
    waiting = (await registration.register(forum, person(2))).registration
    await registration.cancel(forum, reg, by="test")
    headers = await door(forum)
    assert (await _result(client, forum, headers, code=code))["result"] == "cancelled"
    await (
        type(waiting)
        .update({type(waiting).status: "waitlisted"})
        .where(type(waiting).id == waiting.id)
    )
    body = await _result(client, forum, headers, registration_id=waiting.id)
    assert body["result"] == "not_confirmed"
    assert body["message"] == "This registration is not confirmed."
    assert await Checkin.count() == 0


async def test_outside_the_window_it_is_closed(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    today = dt.date.fromisoformat(forum.starts_on.isoformat())
    too_early = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(23, 0)).isoformat()
    body = await _result(client, forum, headers, code=code, scanned_at=too_early + "+08:00")
    assert body["result"] == "closed"
    day_before = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(0, 0)).isoformat()
    body = await _result(client, forum, headers, code=code, scanned_at=day_before + "+08:00")
    assert body["result"] == "ok"
    assert body["checked_in_at"] == day_before + "+08:00"


async def test_a_forum_next_month_is_closed_today(client):
    forum = await make_forum("later")  # on DAY, a month from today
    _reg, code = await ticket(forum)
    body = await _result(client, forum, await door(forum), code=code)
    assert body["result"] == "closed"


async def test_a_workshop_door_admits_only_its_bookings(client):
    forum = await open_forum()
    day = forum.starts_on
    workshop = await make_session(forum, "Workshop", day=day, kind="workshop", capacity=10)
    talk = await make_session(forum, "Talk", day=day, start="11:00", end="12:00")
    booked, booked_code = await ticket(forum, 1, session_ids=[workshop.id])
    _other, other_code = await ticket(forum, 2)
    headers = await door(forum)
    refused = await _result(client, forum, headers, code=other_code, session_id=workshop.id)
    assert refused["result"] == "not_booked"
    admitted = await _result(client, forum, headers, code=booked_code, session_id=workshop.id)
    assert admitted["result"] == "ok"
    # the workshop list is separate from the entrance
    assert (await _result(client, forum, headers, code=booked_code))["result"] == "ok"
    response = await client.post(
        url(forum), json={"code": booked_code, "gate": "A", "session_id": talk.id}, headers=headers
    )
    assert response.status_code == 404
    rows = await Checkin.select(Checkin.registration, Checkin.session).order_by(Checkin.id)
    assert rows == [
        {"registration": booked.id, "session": workshop.id},
        {"registration": booked.id, "session": None},
    ]


async def test_undo_then_check_in_again(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    first = await _result(client, forum, headers, code=code)
    gone = await client.delete(url(forum, f"checkins/{first['checkin_id']}"), headers=headers)
    assert gone.status_code == 204
    twice = await client.delete(url(forum, f"checkins/{first['checkin_id']}"), headers=headers)
    assert twice.status_code == 404
    again = await _result(client, forum, headers, code=code)
    assert again["result"] == "ok"
    assert again["checkin_id"] != first["checkin_id"]
    rows = await Checkin.select(Checkin.id, Checkin.undone_at).order_by(Checkin.id)
    assert [r["id"] for r in rows] == [first["checkin_id"], again["checkin_id"]]
    assert rows[0]["undone_at"] is not None and rows[1]["undone_at"] is None


async def test_undo_of_another_forums_check_in_is_404(client):
    forum = await open_forum()
    other = await open_forum("other")
    _reg, code = await ticket(other, 2)
    first = await _result(client, other, await door(other, "theirs"), code=code)
    response = await client.delete(
        url(forum, f"checkins/{first['checkin_id']}"), headers=await door(forum)
    )
    assert response.status_code == 404


async def test_the_same_nonce_gets_the_same_answer(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    first = await _result(client, forum, headers, code=code, nonce="n-1")
    again = await _result(client, forum, headers, code=code, nonce="n-1")
    assert again == first
    other = await _result(client, forum, headers, code=code, nonce="n-2")
    assert other["result"] == "already_checked_in"
    assert await Checkin.count() == 1


async def test_manual_check_in_by_registration_id(client):
    forum = await open_forum()
    reg, _code = await ticket(forum)
    body = await _result(client, forum, await door(forum), registration_id=reg.id)
    assert body["result"] == "ok"
    assert await Checkin.select(Checkin.manual) == [{"manual": True}]


async def test_malformed_bodies_are_refused(client):
    forum = await open_forum()
    reg, code = await ticket(forum)
    headers = await door(forum)
    both = await client.post(
        url(forum), json={"code": code, "registration_id": reg.id, "gate": "A"}, headers=headers
    )
    assert both.status_code == 422
    neither = await client.post(url(forum), json={"gate": "A"}, headers=headers)
    assert neither.status_code == 422
    assert (await client.post(url(forum), json={"code": 5}, headers=headers)).status_code == 400
    naive = await client.post(
        url(forum), json={"code": code, "scanned_at": "2026-01-01T09:00:00"}, headers=headers
    )
    assert naive.status_code == 400


async def test_ids_out_of_range_are_refused_naming_the_field(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    for bad in (0, -1, 2**31, 99999999999999999999):
        by_id = await client.post(url(forum), json={"registration_id": bad}, headers=headers)
        at_door = await client.post(
            url(forum), json={"code": code, "session_id": bad}, headers=headers
        )
        synced = await client.post(
            url(forum, "checkins/sync"),
            json={"scans": [{"code": code, "session_id": bad}]},
            headers=headers,
        )
        assert [r.status_code for r in (by_id, at_door, synced)] == [400, 400, 400], bad
        assert list(by_id.json()["fields"]) == ["registration_id"]
        assert list(at_door.json()["fields"]) == ["session_id"]
        assert list(synced.json()["fields"]) == ["scans[0].session_id"]
    assert await Checkin.count() == 0


async def test_the_check_in_query_count_is_constant(client, count_queries):
    forum = await open_forum()
    people = [await ticket(forum, n) for n in range(1, 4)]
    headers = await door(forum)
    await _result(client, forum, headers, code=people[0][1])  # warms the key cache
    counts = []
    for _reg, code in people[1:]:
        count_queries.count, count_queries.queries = 0, []
        assert (await _result(client, forum, headers, code=code, nonce=code[:20]))["result"] == "ok"
        counts.append(count_queries.count)
    assert counts[0] == counts[1]
    scan = [q for q in count_queries.queries if "registration r" in q or "checkin" in q]
    if db.is_postgres():  # the read and its insert are one statement
        assert [q.split()[0] for q in scan] == ["WITH"]
        assert "INSERT INTO checkin" in scan[0]
    else:
        assert [q.split()[0] for q in scan] == ["SELECT", "INSERT"]  # one read, one insert


async def test_answers_speak_traditional_chinese(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    headers = await door(forum)
    first = await client.post(
        url(forum) + "?lang=zh-TW", json={"code": code, "gate": "A"}, headers=headers
    )
    assert first.json()["message"] == "歡迎！"
    again = await client.post(
        url(forum) + "?lang=zh-TW", json={"code": code, "gate": "B"}, headers=headers
    )
    assert again.json()["message"].startswith("已於 ")
    assert again.json()["message"].endswith(" 在 A 報到。")


async def test_the_category_is_named_in_the_staff_members_language(client):
    """The scanner's answer, search and offline data name the category in the staff
    member's language (a default's translation, or the organizer's own name_local); the
    attendee's names come back as entered."""
    forum = await open_forum()
    reg, code = await ticket(forum, 1, name="Lin Mei-hua", name_local="林美華")
    press, _press_code = await ticket(forum, 2, name="Wang Da-ming")
    [category] = (
        await Category.update({Category.name_local: "媒體記者"})
        .where((Category.forum == forum.id) & (Category.code == "press"))
        .returning(Category.id)
    )
    await Registration.update({Registration.category: category["id"]}).where(
        Registration.id == press.id
    )
    headers = await door(forum)
    zh = {**headers, "Accept-Language": "zh-TW"}
    answer = (await client.post(url(forum), json={"code": code}, headers=zh)).json()
    assert answer["registration"] == {
        "id": reg.id,
        "name": "Lin Mei-hua",
        "name_local": "林美華",
        "organization": "TFCF",
        "category": "attendee",
        "category_name": "與會者",
    }
    hits = (await client.get(url(forum, "checkin-search?q=wang"), headers=zh)).json()
    assert [(h["name"], h["category"], h["category_name"]) for h in hits] == [
        ("Wang Da-ming", "press", "媒體記者")
    ]
    data = (await client.get(url(forum, "checkin-data"), headers=zh)).json()
    assert data["people"][str(reg.id)]["category_name"] == "與會者"
    assert data["people"][str(press.id)]["category_name"] == "媒體記者"
    # and in English, the English names
    hits = (await client.get(url(forum, "checkin-search?q=wang"), headers=headers)).json()
    assert hits[0]["category_name"] == "Press"
