"""`/forums/{slug}/my-stars`: the stars of the ticket remembered on this device, as JSON,
for the shared (cached) agenda page's script."""

import pytest

from forum_mgmt.agenda import services as agenda
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration, Star
from tests.conftest import csrf_token
from tests.factories import make_forum, make_session
from tests.registration.helpers import person

JSON = {"accept": "application/json"}


async def _attendee(client, slug="tf"):
    """A forum with two sessions, and a device that opened its ticket page."""
    forum = await make_forum(slug)
    keynote = await make_session(forum, "Keynote", start="09:00", end="10:00")
    panel = await make_session(forum, "Panel", start="10:30", end="11:30")
    outcome = await registration.register(forum, person(1))
    token = outcome.registration.token
    assert (await client.get(f"/tickets/{token}")).status_code == 200  # remembers the ticket
    assert client.cookies["ticket"] == token
    return forum, outcome.registration, keynote, panel


async def _post(client, slug, body, *, csrf=True):
    headers = dict(JSON)
    if csrf:
        headers["x-csrftoken"] = await csrf_token(client)
    return await client.post(f"/forums/{slug}/my-stars", json=body, headers=headers)


async def _stars(registration) -> list[int]:
    rows = await Star.select(Star.session).where(Star.registration == registration.id)
    return sorted(r["session"] for r in rows)


async def test_without_a_ticket_the_stars_stay_in_the_browser(client):
    forum = await make_forum("tf")
    session = await make_session(forum, "Keynote")
    answer = await client.get("/forums/tf/my-stars", headers=JSON)
    assert answer.status_code == 200
    assert answer.json() == {"ticket": False, "session_ids": []}
    assert answer.headers["cache-control"] == "private, no-store"
    refused = await _post(client, "tf", {"session_id": session.id, "starred": True})
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "no_ticket",
        "message": "This device holds no ticket for this forum: open your ticket link first.",
    }
    chinese = await client.post(
        "/forums/tf/my-stars?lang=zh-TW",
        json={"session_id": session.id, "starred": True},
        headers={**JSON, "x-csrftoken": await csrf_token(client)},
    )
    assert chinese.json()["message"] == "這台裝置沒有這場論壇的票券：請先開啟您的票券連結。"
    assert await Star.count() == 0


async def test_a_device_with_a_ticket_stars_and_unstars_on_the_ticket(client):
    _forum, reg, keynote, panel = await _attendee(client)
    assert (await client.get("/forums/tf/my-stars", headers=JSON)).json() == {
        "ticket": True,
        "session_ids": [],
    }
    for session in (panel, keynote, panel):  # starring twice is once
        answer = await _post(client, "tf", {"session_id": session.id, "starred": True})
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "private, no-store"
    assert answer.json() == {"ticket": True, "session_ids": sorted([keynote.id, panel.id])}
    assert await _stars(reg) == sorted([keynote.id, panel.id])
    listed = await client.get("/forums/tf/my-stars", headers=JSON)
    assert listed.json() == {"ticket": True, "session_ids": sorted([keynote.id, panel.id])}
    # the session page's form (kept on the ticket) agrees
    page = await client.get(f"/forums/tf/sessions/{panel.id}")
    assert f'action="/tickets/{reg.token}/stars/{panel.id}/unstar"' in page.text
    for _ in range(2):  # unstarring twice is once
        off = await _post(client, "tf", {"session_id": panel.id, "starred": False})
        assert off.json() == {"ticket": True, "session_ids": [keynote.id]}
    assert await _stars(reg) == [keynote.id]


async def test_a_post_needs_the_csrf_header(client):
    _forum, reg, keynote, _panel = await _attendee(client)
    await csrf_token(client)  # the cookie alone is not enough: a form elsewhere sends it too
    refused = await _post(client, "tf", {"session_id": keynote.id, "starred": True}, csrf=False)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    forged = await client.post(
        "/forums/tf/my-stars",
        json={"session_id": keynote.id, "starred": True},
        headers={**JSON, "x-csrftoken": "not-the-token"},
    )
    assert forged.status_code == 403
    assert await _stars(reg) == []


async def test_another_forums_ticket_is_no_ticket_here(client):
    _forum, reg, _keynote, _panel = await _attendee(client, "tf")
    other = await make_forum("other")
    elsewhere = await make_session(other, "Elsewhere")
    assert (await client.get("/forums/other/my-stars", headers=JSON)).json() == {
        "ticket": False,
        "session_ids": [],
    }
    refused = await _post(client, "other", {"session_id": elsewhere.id, "starred": True})
    assert (refused.status_code, refused.json()["error"]) == (409, "no_ticket")
    # and this forum's ticket cannot star the other forum's session
    for starred in (True, False):
        foreign = await _post(client, "tf", {"session_id": elsewhere.id, "starred": starred})
        assert foreign.status_code == 404
        assert foreign.json() == {
            "error": "not_found",
            "message": "This session is not on the agenda.",
        }
    assert await Star.count() == 0
    assert await _stars(reg) == []


async def test_a_removed_session_cannot_be_starred_but_can_be_unstarred(client):
    forum, reg, keynote, _panel = await _attendee(client)
    await _post(client, "tf", {"session_id": keynote.id, "starred": True})
    await agenda.remove_session(forum, keynote.id)
    refused = await _post(client, "tf", {"session_id": keynote.id, "starred": True})
    assert refused.status_code == 404
    # the star it had stays (the feed keeps the session as cancelled) until taken off
    assert await _stars(reg) == [keynote.id]
    off = await _post(client, "tf", {"session_id": keynote.id, "starred": False})
    assert off.json() == {"ticket": True, "session_ids": []}
    assert await _stars(reg) == []


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": 0, "starred": True},
        {"session_id": -1, "starred": True},
        {"session_id": 2**31, "starred": True},
        {"session_id": 10**30, "starred": True},
        {"session_id": "abc", "starred": True},
        {"session_id": 1.5, "starred": True},
        {"session_id": 1},
        {"session_id": 1, "starred": "yes"},
        {"session_id": 1, "starred": True, "extra": 1},
        [1],
        "star",
    ],
)
async def test_bad_input_is_a_readable_400(client, body):
    await _attendee(client)
    answer = await _post(client, "tf", body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "bad_request"
    assert answer.json()["message"] == "Validation failed for POST /forums/tf/my-stars"
    assert len(answer.json()["fields"]) == 1
    assert await Star.count() == 0


async def test_a_body_that_is_not_json_is_a_400(client):
    await _attendee(client)
    answer = await client.post(
        "/forums/tf/my-stars",
        content=b"{not json",
        headers={
            **JSON,
            "x-csrftoken": await csrf_token(client),
            "content-type": "application/json",
        },
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request"


async def test_an_unknown_forum_or_ticket_is_handled(client):
    _forum, reg, keynote, _panel = await _attendee(client)
    assert (await client.get("/forums/nope/my-stars", headers=JSON)).status_code == 404
    # a ticket cookie that names nothing (or too long a value) is no ticket
    for value in ("not-a-token", "x" * 500):
        client.cookies.set("ticket", value)
        listed = await client.get("/forums/tf/my-stars", headers=JSON)
        assert listed.json() == {"ticket": False, "session_ids": []}
        refused = await _post(client, "tf", {"session_id": keynote.id, "starred": True})
        assert refused.status_code == 409
    assert await _stars(reg) == []


async def test_a_star_moves_the_registrations_updated_at(client):
    _forum, reg, keynote, _panel = await _attendee(client)
    before = (await Registration.objects().get(Registration.id == reg.id)).updated_at
    await _post(client, "tf", {"session_id": keynote.id, "starred": True})
    starred = (await Registration.objects().get(Registration.id == reg.id)).updated_at
    assert starred > before
    await _post(client, "tf", {"session_id": keynote.id, "starred": True})  # no change
    assert (await Registration.objects().get(Registration.id == reg.id)).updated_at == starred
    await _post(client, "tf", {"session_id": keynote.id, "starred": False})
    assert (await Registration.objects().get(Registration.id == reg.id)).updated_at > starred
