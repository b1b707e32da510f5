"""Offline support: the data a scanner caches, and the sync of queued scans."""

import datetime as dt

from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import time
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category, Registration
from forum_mgmt.tickets import codes
from forum_mgmt.tickets import services as tickets
from forum_mgmt.tickets.keys import forum_key, load_public_key
from forum_mgmt.tickets.tables import Ticket
from tests.checkin.helpers import door, open_forum, ticket, url
from tests.factories import make_session
from tests.registration.helpers import person

# Scans made offline before now (the server takes no scan from the future), while check-in
# is open (since the day before the forum's first day): whatever the hour the tests run.
_BASE = time.now().replace(microsecond=0) - dt.timedelta(hours=1)


def _at(forum, hour: int, minute: int = 0) -> str:
    """An instant `hour:minute` after _BASE, ISO in the forum's zone (as the API answers)."""
    return time.local(_BASE + dt.timedelta(hours=hour, minutes=minute), forum.timezone).isoformat()


async def test_sync_settles_duplicates_earliest_scan_wins(client):
    forum = await open_forum()
    _r1, one = await ticket(forum, 1)
    _r2, two = await ticket(forum, 2)
    headers = await door(forum)
    scans = [
        {"code": one, "gate": "B", "nonce": "b-1", "scanned_at": _at(forum, 0, 30)},
        {"code": two, "gate": "B", "nonce": "b-2", "scanned_at": _at(forum, 0, 31)},
        {"code": one, "gate": "A", "nonce": "a-1", "scanned_at": _at(forum, 0, 10)},
        {"code": "junk", "gate": "A", "nonce": "a-2", "scanned_at": _at(forum, 0, 11)},
    ]
    response = await client.post(
        url(forum, "checkins/sync"), json={"scans": scans}, headers=headers
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["already_checked_in", "ok", "ok", "unknown"]
    assert results[0]["previous"]["gate"] == "A"
    assert results[0]["previous"]["at"] == _at(forum, 0, 10)
    assert results[2]["checked_in_at"] == _at(forum, 0, 10)
    # a retried sync (the answer was lost) gets the same admissions back
    again = await client.post(url(forum, "checkins/sync"), json={"scans": scans}, headers=headers)
    assert again.json()["results"] == results
    rows = await Checkin.select(Checkin.gate, Checkin.nonce).order_by(Checkin.id)
    assert rows == [{"gate": "A", "nonce": "a-1"}, {"gate": "B", "nonce": "b-2"}]


async def _sync(client, forum, headers, *scans: dict) -> list[dict]:
    response = await client.post(
        url(forum, "checkins/sync"), json={"scans": list(scans)}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


async def test_an_earlier_scan_synced_later_becomes_the_record(client):
    forum = await open_forum()
    person_, code = await ticket(forum, 1)
    door_a, door_b = await door(forum, "door-a"), await door(forum, "door-b")
    later = {"code": code, "gate": "B", "nonce": "b-1", "scanned_at": _at(forum, 0, 30)}
    earlier = {"code": code, "gate": "A", "nonce": "a-1", "scanned_at": _at(forum, 0, 10)}
    # door B comes back online first with the later scan: it is the record for now
    [first] = await _sync(client, forum, door_b, later)
    assert (first["result"], first["checked_in_at"]) == ("ok", _at(forum, 0, 30))
    # door A's earlier scan arrives: it takes the check-in over, same row
    [second] = await _sync(client, forum, door_a, earlier)
    assert second["result"] == "ok"
    assert second["checked_in_at"] == _at(forum, 0, 10)
    assert second["checkin_id"] == first["checkin_id"]
    rows = await Checkin.select(
        Checkin.id, Checkin.gate, Checkin.nonce, Checkin.scanned_at, Checkin.by.username
    ).where(Checkin.registration == person_.id)
    assert rows == [
        {
            "id": first["checkin_id"],
            "gate": "A",
            "nonce": "a-1",
            "scanned_at": dt.datetime.fromisoformat(_at(forum, 0, 10)),
            "by.username": "door-a",
        }
    ]
    # a retry of A's sync keeps its admission; B's retry learns of the earlier scan
    assert await _sync(client, forum, door_a, earlier) == [second]
    [again] = await _sync(client, forum, door_b, later)
    assert again["result"] == "already_checked_in"
    assert again["previous"] == {"at": _at(forum, 0, 10), "gate": "A", "by": "door-a"}
    # a still later scan, and an online scan with an early clock, change nothing
    [late] = await _sync(
        client,
        forum,
        door_b,
        {"code": code, "gate": "C", "nonce": "c-1", "scanned_at": _at(forum, 0, 40)},
    )
    assert late["result"] == "already_checked_in"
    online = await client.post(
        url(forum),
        json={"code": code, "gate": "D", "nonce": "d-1", "scanned_at": _at(forum, 0, 0)},
        headers=door_b,
    )
    assert online.json()["result"] == "already_checked_in"
    assert await Checkin.select(Checkin.gate, Checkin.nonce) == [{"gate": "A", "nonce": "a-1"}]


async def test_an_undone_check_in_is_not_taken_over(client):
    forum = await open_forum()
    _person, code = await ticket(forum, 1)
    headers = await door(forum)
    later = {"code": code, "gate": "B", "nonce": "b-1", "scanned_at": _at(forum, 0, 30)}
    [first] = await _sync(client, forum, headers, later)
    undo = await client.delete(url(forum, f"checkins/{first['checkin_id']}"), headers=headers)
    assert undo.status_code == 204
    earlier = {"code": code, "gate": "A", "nonce": "a-1", "scanned_at": _at(forum, 0, 10)}
    [second] = await _sync(client, forum, headers, earlier)
    assert second["result"] == "ok"
    assert second["checkin_id"] != first["checkin_id"]
    rows = await Checkin.select(Checkin.gate, Checkin.undone_at)
    assert sorted((r["gate"], r["undone_at"] is None) for r in rows) == [("A", True), ("B", False)]


async def test_checkin_data_holds_what_a_scanner_needs(client):
    forum = await open_forum(capacity=3, waitlist=True)  # person 4 waits
    workshop = await make_session(
        forum, "Workshop", day=forum.starts_on, kind="workshop", capacity=5
    )
    r1, c1 = await ticket(forum, 1, name_local="一號", session_ids=[workshop.id])
    r2, _c2 = await ticket(forum, 2)
    r3, _c3 = await ticket(forum, 3)
    waiting = (await registration.register(forum, person(4))).registration
    await tickets.reissue(forum, r2)
    await registration.cancel(forum, r3, by="test")
    headers = await door(forum)
    await client.post(url(forum), json={"code": c1, "gate": "A"}, headers=headers)
    response = await client.get(url(forum, "checkin-data"), headers=headers)
    assert response.status_code == 200
    data = response.json()
    pair = await forum_key(forum)
    assert data["forum_id"] == forum.id
    assert load_public_key(data["public_key"]).public_bytes_raw() == pair.public.public_bytes_raw()
    day = forum.starts_on
    assert data["window"] == {
        "opens_at": f"{(day - dt.timedelta(days=1)).isoformat()}T00:00:00+08:00",
        "closes_at": f"{(day + dt.timedelta(days=1)).isoformat()}T00:00:00+08:00",
    }
    assert data["serials"] == {str(r1.id): 1, str(r2.id): 2}
    assert data["refused"] == {str(r3.id): "cancelled", str(waiting.id): "not_confirmed"}
    assert data["people"][str(r1.id)] == {
        "name": "Person 1",
        "name_local": "一號",
        "organization": "TFCF",
        "category": "attendee",
        "category_name": "Attendee",
    }
    assert data["used"] == [r1.id]
    assert data["booked"] is None
    assert data["generated_at"].endswith("+08:00")
    # a code judged offline with only this data: the reissued one is stale
    claims = codes.verify(load_public_key(data["public_key"]), c1, forum_id=forum.id)
    assert data["serials"][str(claims.registration_id)] == claims.serial
    session = await client.get(
        url(forum, f"checkin-data?session_id={workshop.id}"), headers=headers
    )
    assert (session.json()["booked"], session.json()["used"]) == ([r1.id], [])


async def test_checkin_data_for_two_thousand_people_is_compact(client):
    forum = await open_forum()
    await ticket(forum, 1)  # the categories, through the service
    category = await Category.select(Category.id).where(Category.code == "attendee").first()
    now = time.now()
    regs = [
        Registration(
            forum=forum.id,
            category=category["id"],
            name=f"Participant Number {n}",
            name_local="參加者姓名",
            email=f"p{n}@example.org",
            organization="Taiwan Fund for Children and Families",
            status="confirmed",
            token=f"token-{n}",
            created_at=now,
            updated_at=now,
        )
        for n in range(2, 2001)
    ]
    for start in range(0, len(regs), 500):  # PostgreSQL takes at most 32,767 parameters
        await Registration.insert(*regs[start : start + 500])
    ids = await Registration.select(Registration.id).where(
        Registration.email != "person1@example.org"
    )
    for start in range(0, len(ids), 500):
        await Ticket.insert(
            *[
                Ticket(registration=r["id"], forum=forum.id, serial=1, issued_at=now)
                for r in ids[start : start + 500]
            ]
        )
    response = await client.get(url(forum, "checkin-data"), headers=await door(forum))
    assert len(response.json()["serials"]) == 2000
    assert len(response.content) < 400_000
