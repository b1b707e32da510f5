"""Name search, live figures, the dashboard page, and who may see them."""

import pytest

from forum_mgmt.core import time
from forum_mgmt.core.assets import static_url
from forum_mgmt.forums.tables import Role
from tests.checkin.helpers import door, open_forum, ticket, url
from tests.conftest import sign_in
from tests.factories import bearer, make_session, make_user


async def test_search_by_name_local_name_or_email(client):
    forum = await open_forum()
    lin, _ = await ticket(forum, 1, name="Lin Chia-lung", name_local="林佳龍")
    chen, code = await ticket(forum, 2, name="Chen Mei", email="mei.chen@example.org")
    await ticket(forum, 3, name="Marco Chiesara")
    other = await open_forum("other")
    await ticket(other, 4, name="Lin Other")
    headers = await door(forum)
    await client.post(url(forum), json={"code": code, "gate": "A"}, headers=headers)

    async def names(q: str) -> list[str]:
        response = await client.get(url(forum, "checkin-search"), params={"q": q}, headers=headers)
        assert response.status_code == 200
        return [hit["name"] for hit in response.json()]

    assert await names("lin") == ["Lin Chia-lung"]
    assert await names("chi") == ["Lin Chia-lung", "Marco Chiesara"]
    assert await names("chia") == ["Lin Chia-lung"]
    assert await names("林佳") == ["Lin Chia-lung"]
    assert await names("MEI.CHEN@") == ["Chen Mei"]
    assert await names("%") == []
    assert await names("") == []
    hits = (
        await client.get(url(forum, "checkin-search"), params={"q": "chen"}, headers=headers)
    ).json()
    assert hits == [
        {
            "id": chen.id,
            "name": "Chen Mei",
            "name_local": "",
            "organization": "TFCF",
            "category": "attendee",
            "category_name": "Attendee",
            "status": "confirmed",
            "checked_in": True,
        }
    ]
    assert lin.id != chen.id


async def test_stats_count_a_person_at_two_gates_once(client):
    forum = await open_forum()
    workshop = await make_session(
        forum, "Workshop", day=forum.starts_on, kind="workshop", capacity=5
    )
    r1, c1 = await ticket(forum, 1, session_ids=[workshop.id])
    _r2, c2 = await ticket(forum, 2)
    await ticket(forum, 3)
    headers = await door(forum)
    day = forum.starts_on.isoformat()
    scans = [
        {"code": c1, "gate": "A", "scanned_at": f"{day}T00:05:00+08:00"},
        {"code": c1, "gate": "B", "scanned_at": f"{day}T00:06:00+08:00"},
        {"code": c2, "gate": "B", "scanned_at": f"{day}T00:40:00+08:00"},
        {"code": c1, "gate": "W", "session_id": workshop.id},
    ]
    await client.post(url(forum, "checkins/sync"), json={"scans": scans}, headers=headers)
    response = await client.get(url(forum, "checkin-stats"), headers=headers)
    stats = response.json()
    assert (stats["checked_in"], stats["confirmed"]) == (2, 3)
    attendee = next(c for c in stats["categories"] if c["key"] == "attendee")
    assert attendee == {"key": "attendee", "name": "Attendee", "checked_in": 2, "total": 3}
    assert stats["gates"] == [
        {"key": "A", "name": "A", "checked_in": 1, "total": None},
        {"key": "B", "name": "B", "checked_in": 1, "total": None},
    ]
    assert [(a["key"], a["checked_in"]) for a in stats["arrivals"]] == [
        (f"{day}T00:00:00+08:00", 1),
        (f"{day}T00:15:00+08:00", 0),
        (f"{day}T00:30:00+08:00", 1),
    ]
    assert stats["sessions"] == [
        {"session_id": workshop.id, "title": "Workshop", "checked_in": 1, "booked": 1}
    ]
    assert r1.id


async def test_dashboard_page_shows_the_figures_without_javascript(client):
    forum = await open_forum()
    _reg, code = await ticket(forum)
    await client.post(url(forum), json={"code": code, "gate": "North"}, headers=await door(forum))
    await make_user("boss", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "boss")
    page = await client.get(f"/manage/forums/{forum.slug}/checkin-dashboard")
    assert page.status_code == 200
    html = page.text
    assert '<strong data-field="checked_in">1</strong>' in html
    assert '<span data-field="confirmed">1</span>' in html
    assert "<td>North</td><td>1</td>" in html
    assert '<span class="fill pct-100"></span>' in html  # the one quarter hour, drawn by the server
    script = static_url("checkin-dashboard.js")
    assert f'src="{script}"' in html
    assert "<script>" not in html
    assert f'href="/manage/forums/{forum.slug}/checkin-dashboard"' in html
    assert (await client.get(script)).status_code == 200
    assert (await client.get(static_url("checkin-dashboard.css"))).status_code == 200
    assert "<style" not in html
    assert time.now()


async def test_staff_may_not_open_the_dashboard(client):
    forum = await open_forum()
    await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "door")
    page = await client.get(f"/manage/forums/{forum.slug}/checkin-dashboard")
    assert page.status_code == 403


ENDPOINTS = [
    ("post", "checkins", {"code": "X", "gate": "A"}),
    ("post", "checkins/sync", {"scans": []}),
    ("delete", "checkins/1", None),
    ("get", "checkin-data", None),
    ("get", "checkin-search?q=a", None),
    ("get", "checkin-stats", None),
]


@pytest.mark.parametrize(("method", "tail", "body"), ENDPOINTS)
async def test_anonymous_is_401_and_other_forums_staff_403(client, method, tail, body):
    forum = await open_forum()
    other = await open_forum("other")
    _user, token = await make_user("elsewhere", role=Role.STAFF, forum=other)
    kwargs = {"json": body} if body is not None else {}
    anonymous = await client.request(
        method, url(forum, tail), headers={"accept": "application/json"}, **kwargs
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorized"
    wrong = await client.request(method, url(forum, tail), headers=bearer(token), **kwargs)
    assert wrong.status_code == 403
    assert wrong.json()["error"] == "forbidden"
