"""Each session's expected audience against its room: bookings, ticket stars once per person,
browser-only stars once per device, an estimate for open sessions; shown on the builder
grid, the sessions list (sortable by pressure), the session page and the live dashboard;
a crowding warning in the clash list that does not block saving, with a room to swap to."""

import re

import pytest

from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import DeviceStar, Status
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, TODAY, make_forum, make_room, make_session, make_user
from tests.registration.helpers import person

HX = {"HX-Request": "true"}
DEVICE = "0f3c2a9e-5b7d-4c1e-9a8b-123456789abc"


async def _people(forum, n: int):
    regs = []
    for i in range(n):
        outcome = await registration.register(forum, person(i + 1))
        assert outcome.registration.status == Status.CONFIRMED
        regs.append(outcome.registration)
    return regs


async def _device_star(client, slug, session_id, device=DEVICE, starred=True):
    return await client.post(
        f"/forums/{slug}/device-stars",
        json={"device": device, "session_id": session_id, "starred": starred},
        headers={"x-csrftoken": await csrf_token(client)},
    )


async def test_figures_count_bookings_stars_devices_and_the_estimate(client):
    forum = await make_forum("au", audience_share=50)
    small = await make_room(forum, "Room 201", capacity=3)
    hall = await make_room(forum, "Main Hall", capacity=100)
    talk = await make_session(forum, "Panel", room=small, start="10:00", end="11:00")
    workshop = await make_session(
        forum, "Workshop", kind="workshop", room=hall, start="09:00", end="10:00"
    )
    pause = await make_session(forum, "Tea", kind="break", start="11:00", end="11:15")
    regs = await _people(forum, 6)
    for reg in regs[:2]:  # two people star the panel, each twice: counted once each
        await registration.star(forum, reg, talk.id)
        await registration.star(forum, reg, talk.id)
    await registration.book_session(forum, regs[2], workshop.id)
    await registration.star(forum, regs[2], workshop.id)  # booked and starred: once
    await registration.star(forum, regs[3], workshop.id)
    for _ in range(3):  # one browser reloading and starring again counts once
        assert (await _device_star(client, "au", talk.id)).status_code == 204
    assert (await _device_star(client, "au", talk.id, device="b" * 20)).status_code == 204

    figures = await registration.expected_audience(forum)
    assert pause.id not in figures  # a break has no audience to plan for
    panel = figures[talk.id]
    # 2 ticket stars + 2 devices + 50 % of the 4 confirmed people who did not star it
    assert (panel.booked, panel.starred, panel.devices, panel.estimate) == (0, 2, 2, 2)
    assert (panel.expected, panel.seats, panel.crowded) == (6, 3, True)
    seats = figures[workshop.id]
    assert (seats.booked, seats.starred, seats.estimate, seats.expected) == (1, 1, 0, 2)
    assert not seats.crowded

    # a device takes its star back; a cancelled registration's star no longer counts
    assert (await _device_star(client, "au", talk.id, starred=False)).status_code == 204
    await registration.cancel(forum, regs[0], by="attendee")
    panel = (await registration.expected_audience(forum))[talk.id]
    assert (panel.starred, panel.devices, panel.estimate) == (1, 1, 2)  # 50 % of 4 left


async def test_device_stars_refuse_bad_ids_and_unknown_sessions(client):
    forum = await make_forum("au")
    other = await make_forum("other")
    foreign = await make_session(other, "Elsewhere")
    await make_session(forum, "Here")
    bad = await _device_star(client, "au", foreign.id)
    assert bad.status_code == 404
    short = await _device_star(client, "au", foreign.id, device="abc")
    assert short.status_code == 400 and "device" in short.text
    no_csrf = await client.post(
        "/forums/au/device-stars",
        json={"device": DEVICE, "session_id": foreign.id, "starred": True},
    )
    assert no_csrf.status_code == 403
    assert await DeviceStar.count() == 0


async def _organizer(client, forum):
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    return await csrf_token(client)


async def _crowded_forum():
    forum = await make_forum("au", audience_share=100)
    small = await make_room(forum, "Room 201", capacity=2)
    big = await make_room(forum, "Main Hall", capacity=50)
    busy = await make_room(forum, "Room 301", capacity=40)
    talk = await make_session(forum, "Crowded panel", room=small, start="10:00", end="11:00")
    await make_session(forum, "Next door", room=busy, start="10:00", end="11:00")
    await _people(forum, 5)
    return forum, small, big, talk


async def test_builder_shows_the_gauge_and_suggests_a_larger_free_room(client):
    forum, _small, _big, _talk = await _crowded_forum()
    await _organizer(client, forum)
    page = await client.get(f"/manage/forums/au/agenda?day={DAY.isoformat()}")
    assert page.status_code == 200
    cell = re.search(r'<span class="gauge crowded" data-expected="5" data-seats="2">', page.text)
    assert cell, page.text
    assert "5 expected / 2 seats" in page.text
    # Main Hall is free at 10:00 and holds 50; Room 301 (40) is taken then
    assert "Main Hall (50 seats) is free then: swap rooms?" in page.text
    assert "Room 301 (40 seats)" not in page.text
    chinese = await client.get(f"/manage/forums/au/agenda?day={DAY.isoformat()}&lang=zh-TW")
    assert "預計 5 人 / 2 個座位" in chinese.text


async def test_crowding_is_a_warning_in_the_clash_list_and_saving_goes_through(client):
    forum, small, big, talk = await _crowded_forum()
    token = await _organizer(client, forum)
    form = {
        "_csrf_token": token,
        "session_id": str(talk.id),
        "title": "Crowded panel",
        "kind": "panel",
        "language": "en",
        "day": DAY.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "room_id": str(small.id),
    }
    preview = await client.post("/manage/forums/au/sessions/check", data=form, headers=HX)
    assert preview.status_code == 200
    assert 'class="alert warn"' in preview.text and 'data-kind="crowding"' in preview.text
    assert "About 5 people are expected, but Room 201 holds 2." in preview.text
    assert "Main Hall (50 seats) is free then: swap rooms?" in preview.text
    assert 'class="alert clash"' not in preview.text  # nothing blocks the save
    saved = await client.post(f"/manage/forums/au/sessions/{talk.id}", data=form)
    assert saved.status_code == 303
    page = await client.get(f"/manage/forums/au/sessions/{talk.id}")
    assert 'id="audience"' in page.text and "Expected audience: 5" in page.text
    # a move into the small room answers with the grid and says the room is too small
    moved = await client.post(
        "/manage/forums/au/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(talk.id),
            "room_id": str(small.id),
            "day": DAY.isoformat(),
            "start": "10:00",
        },
        headers=HX,
    )
    assert moved.status_code == 200
    assert "Moved. About 5 people are expected; the room holds 2." in moved.text
    # in the big room, no warning
    form["room_id"] = str(big.id)
    calm = await client.post("/manage/forums/au/sessions/check", data=form, headers=HX)
    assert "crowding" not in calm.text


async def test_sessions_list_sorts_by_pressure(client):
    forum = await make_forum("au", audience_share=100)
    hall = await make_room(forum, "Main Hall", capacity=100)
    small = await make_room(forum, "Room 201", capacity=4)
    await make_session(forum, "Roomy keynote", room=hall, start="09:00", end="10:00")
    await make_session(forum, "Packed panel", room=small, start="10:00", end="11:00")
    await _people(forum, 8)
    await _organizer(client, forum)
    by_time = (await client.get("/manage/forums/au/sessions")).text
    assert by_time.index("Roomy keynote") < by_time.index("Packed panel")
    assert "8 / 4 (200 %)" in by_time and "8 / 100 (8 %)" in by_time
    by_pressure = (await client.get("/manage/forums/au/sessions?sort=pressure")).text
    assert by_pressure.index("Packed panel") < by_pressure.index("Roomy keynote")
    assert 'aria-sort="descending"' in by_pressure


async def test_the_live_dashboard_shows_todays_sessions_against_their_rooms(client):
    forum = await make_forum("au", starts_on=TODAY, ends_on=TODAY, audience_share=100)
    small = await make_room(forum, "Room 201", capacity=2)
    await make_session(forum, "Today's panel", room=small, day=TODAY, start="10:00", end="11:00")
    await _people(forum, 3)
    await _organizer(client, forum)
    page = await client.get("/manage/forums/au/checkin-dashboard")
    assert page.status_code == 200
    assert "Today's sessions: expected audience" in page.text
    assert re.search(r'class="crowded" data-expected="3">3 / 2 \(150 %\)', page.text)


async def test_settings_and_api_carry_the_share(client):
    forum = await make_forum("au")
    assert forum.audience_share == 30
    await _organizer(client, forum)
    page = await client.get("/manage/forums/au")
    assert 'name="audience_share"' in page.text
    _user, api = await make_user("api", role=Role.ORGANIZER, forum=forum)
    bad = await client.patch(
        "/api/forums/au",
        json={"audience_share": 101},
        headers={"Authorization": f"Bearer {api}", "accept": "application/json"},
    )
    assert bad.status_code in (400, 422) and "audience_share" in bad.text
    ok = await client.patch(
        "/api/forums/au",
        json={"audience_share": 60},
        headers={"Authorization": f"Bearer {api}", "accept": "application/json"},
    )
    assert ok.status_code == 200 and ok.json()["audience_share"] == 60


@pytest.mark.parametrize(
    "page",
    [
        "/manage/forums/{slug}/agenda",
        "/manage/forums/{slug}/sessions",
        "/manage/forums/{slug}/sessions?sort=pressure",
        "/manage/forums/{slug}/sessions/{session}",
        "/manage/forums/{slug}/checkin-dashboard",
    ],
)
async def test_audience_figures_cost_a_constant_number_of_queries(client, count_queries, page):
    user, _token = await make_user("org")
    await sign_in(client, "org")
    from forum_mgmt.forums import services as forums

    counts = []
    for n in (1, 4):
        slug = f"q{n}"
        forum = await make_forum(slug, starts_on=TODAY, ends_on=TODAY)
        await forums.grant(forum, user, Role.ORGANIZER)
        room = await make_room(forum, "Hall", capacity=10)
        sessions = [
            await make_session(
                forum,
                f"Talk {i}",
                room=room if i == 0 else None,
                day=TODAY,
                start=f"{9 + i:02d}:00",
                end=f"{9 + i:02d}:30",
            )
            for i in range(n)
        ]
        for i in range(n):
            outcome = await registration.register(forum, person(100 * n + i))
            for s in sessions:
                await registration.star(forum, outcome.registration, s.id)
        url = page.format(slug=slug, session=sessions[0].id)
        count_queries.count = 0
        response = await client.get(url + ("&" if "?" in url else "?") + f"day={TODAY}")
        assert response.status_code == 200, url
        counts.append(count_queries.count)
    assert counts[0] == counts[1], count_queries.queries
