"""The attendee's copy of their data: /tickets/{token}/data.json holds exactly what was given."""

from __future__ import annotations

from forum_mgmt.checkin.schemas import ScanIn
from forum_mgmt.checkin.services import check_in
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from tests.factories import TZ, make_forum, make_room, make_session, make_user
from tests.registration.helpers import body

MARK = "Zq7-unique-marker"


async def test_data_json_holds_exactly_what_was_registered(client):
    today = time.today(TZ)
    forum = await make_forum(starts_on=today, ends_on=today)  # check-in open today
    room = await make_room(forum, "Lab", capacity=10)
    workshop = await make_session(forum, f"Workshop {MARK}", kind="workshop", day=today, room=room)
    talk = await make_session(forum, "A talk", start="11:00", end="12:00", day=today)
    question = await registration.add_question(forum, label="Favourite tea?", kind="text")
    created = await client.post(
        "/api/forums/test-forum/registrations",
        json=body(
            1,
            name=f"Name {MARK}",
            name_local="林小姐",
            email="marker.person@example.org",
            title=f"Title {MARK}",
            dietary=f"Vegan {MARK}",
            accessibility=f"Ramp {MARK}",
            answers={str(question.id): f"Oolong {MARK}"},
            session_ids=[workshop.id],
        ),
    )
    assert created.status_code == 201, created.text
    token = created.json()["manage_url"].rsplit("/", 1)[-1]
    reg = (await registration.by_token(token))[1]
    await registration.star(forum, reg, talk.id)
    staff, _secret = await make_user("door", role=Role.STAFF, forum=forum)
    await check_in(forum, ScanIn(registration_id=reg.id, gate="North", nonce="n1"), by=staff)

    response = await client.get(f"/tickets/{token}/data.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    data = response.json()
    person = data["registration"]
    assert {k: person[k] for k in ("name", "name_local", "email", "title", "dietary")} == {
        "name": f"Name {MARK}",
        "name_local": "林小姐",
        "email": "marker.person@example.org",
        "title": f"Title {MARK}",
        "dietary": f"Vegan {MARK}",
    }
    assert person["accessibility"] == f"Ramp {MARK}"
    assert (person["organization"], person["country"], person["category"]) == (
        "TFCF",
        "TW",
        "attendee",
    )
    assert (person["status"], person["consent"], person["consent_version"]) == (
        "confirmed",
        True,
        0,
    )
    assert person["consented_at"].endswith("+08:00")
    assert data["answers"] == {"Favourite tea?": f"Oolong {MARK}"}
    assert [b["title"] for b in data["bookings"]] == [f"Workshop {MARK}"]
    assert data["bookings"][0]["starts_at"].endswith("+08:00")
    assert [s["title"] for s in data["stars"]] == ["A talk"]
    assert [(c["gate"], c["session"], c["undone_at"]) for c in data["checkins"]] == [
        ("North", None, None)
    ]
    assert [(m["kind"], m["status"]) for m in data["mails"]] == [("confirmed", "queued")]
    assert data["mails"][0]["subject"] == "You are registered: Test Forum"
    # nothing of another person
    await client.post("/api/forums/test-forum/registrations", json=body(2))
    again = (await client.get(f"/tickets/{token}/data.json")).text
    assert "person2@example.org" not in again and "Person 2" not in again


async def test_data_json_of_an_unknown_token_is_404(client):
    await make_forum()
    response = await client.get("/tickets/not-a-real-token/data.json")
    assert response.status_code == 404
    assert MARK not in response.text


async def test_the_ticket_page_links_to_the_download(client):
    await make_forum()
    created = (await client.post("/api/forums/test-forum/registrations", json=body(1))).json()
    token = created["manage_url"].rsplit("/", 1)[-1]
    page = await client.get(f"/tickets/{token}?lang=en")
    assert f'href="/tickets/{token}/data.json"' in page.text
    assert "Download my data" in page.text
