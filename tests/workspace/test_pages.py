"""The workspace as an organizer uses it: forms, errors next to fields, the grid, the log."""

import datetime as dt
from urllib.parse import unquote

from forum_mgmt.agenda.tables import AgendaChange, AgendaSession, Room
from forum_mgmt.core import time
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, Role
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, make_forum, make_room, make_session, make_speaker, make_user, utc
from tests.test_ids import BAD_IDS

LATER = DAY + dt.timedelta(days=36)  # a new forum, planned further ahead


async def _organizer(client, slug="tf"):
    forum = await make_forum(slug)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    return forum, await csrf_token(client)


async def test_dashboard_lists_only_my_forums(client):
    await _organizer(client)
    await make_forum("not-mine", name="Someone Else's Forum")
    page = await client.get("/manage")
    assert "Test Forum" in page.text and "Someone Else" not in page.text


async def test_create_a_forum_from_the_form_and_become_its_organizer(client):
    user, _token = await make_user("maker")
    org = await forums.ensure_organisation("ngo", name="NGO")
    await forums.join(org, user, Role.ORGANIZER)
    await sign_in(client, "maker")
    token = await csrf_token(client)
    bad = await client.post(
        "/manage/forums/new",
        data={
            "_csrf_token": token,
            "slug": "Bad Slug!",
            "name": "My Forum",
            "starts_on": LATER.isoformat(),
            "ends_on": (LATER + dt.timedelta(days=1)).isoformat(),
            "timezone": "Asia/Taipei",
        },
    )
    assert bad.status_code == 422
    assert 'id="e-slug"' in bad.text and 'value="My Forum"' in bad.text  # kept what was typed
    good = await client.post(
        "/manage/forums/new",
        data={
            "_csrf_token": token,
            "slug": "my-forum",
            "name": "My Forum",
            "name_local": "我的論壇",
            "starts_on": LATER.isoformat(),
            "ends_on": (LATER + dt.timedelta(days=1)).isoformat(),
            "timezone": "Asia/Taipei",
            "capacity": "80",
            "waitlist": "on",
        },
    )
    assert good.status_code == 303 and good.headers["location"] == "/manage/forums/my-forum"
    forum = await Forum.objects().where(Forum.slug == "my-forum").first()
    assert (forum.name_local, forum.capacity, forum.waitlist, forum.approval) == (
        "我的論壇",
        80,
        True,
        False,
    )
    assert await forums.role_on(user, forum) == Role.ORGANIZER


async def test_settings_keep_times_in_the_forums_zone(client):
    forum, token = await _organizer(client)
    eve = DAY - dt.timedelta(days=1)  # registration closes the evening before the forum
    response = await client.post(
        f"/manage/forums/{forum.slug}",
        data={
            "_csrf_token": token,
            "name": "Renamed",
            "starts_on": DAY.isoformat(),
            "ends_on": DAY.isoformat(),
            "timezone": "Asia/Taipei",
            "registration_closes_at": f"{eve}T18:00",
        },
    )
    assert response.status_code == 303
    row = await Forum.objects().where(Forum.id == forum.id).first()
    assert row.name == "Renamed"
    assert row.registration_closes_at == utc("10:00", eve)  # 18:00 in Taipei
    page = await client.get(f"/manage/forums/{forum.slug}")
    assert f'value="{eve}T18:00"' in page.text
    bad = await client.post(
        f"/manage/forums/{forum.slug}",
        data={
            "_csrf_token": token,
            "starts_on": DAY.isoformat(),
            "ends_on": (DAY - dt.timedelta(days=4)).isoformat(),
            "timezone": "Mars/Olympus",
        },
    )
    assert bad.status_code == 422
    assert "e-timezone" in bad.text or "e-ends_on" in bad.text


async def test_add_a_room_with_errors_shown_next_to_the_field(client):
    forum, token = await _organizer(client)
    bad = await client.post(
        f"/manage/forums/{forum.slug}/rooms",
        data={"_csrf_token": token, "name": "", "capacity": "-1"},
    )
    assert bad.status_code == 422 and 'class="error" id="e-' in bad.text
    ok = await client.post(
        f"/manage/forums/{forum.slug}/rooms",
        data={"_csrf_token": token, "name": "國際會議廳", "capacity": "300"},
    )
    assert ok.status_code == 303
    assert [r.name for r in await Room.objects()] == ["國際會議廳"]


async def test_deleting_a_room_in_use_explains_why(client):
    forum, token = await _organizer(client)
    room = await make_room(forum)
    await make_session(forum, room=room)
    response = await client.post(
        f"/manage/forums/{forum.slug}/rooms/{room.id}/delete", data={"_csrf_token": token}
    )
    assert response.status_code == 409
    assert "Sessions are planned in this room" in response.text
    assert await Room.count() == 1


async def test_a_clashing_session_form_shows_the_clash_and_saves_when_accepted(client):
    forum, token = await _organizer(client)
    room = await make_room(forum)
    lin = await make_speaker(forum, "Lin")
    await make_session(forum, "Existing", room=room, speakers=[lin])
    form = {
        "_csrf_token": token,
        "title": "New",
        "kind": "talk",
        "language": "en",
        "day": DAY.isoformat(),
        "start": "09:30",
        "end": "10:30",
        "room_id": str(room.id),
        "track_id": "",
        "capacity": "",
        "speaker_ids": [str(lin.id)],
    }
    preview = await client.post(f"/manage/forums/{forum.slug}/sessions/check", data=form)
    assert "is already used by “Existing”" in preview.text
    assert "Lin is also in “Existing”" in preview.text
    refused = await client.post(f"/manage/forums/{forum.slug}/sessions/new", data=form)
    assert refused.status_code == 409 and 'name="allow_conflicts"' in refused.text
    assert await AgendaSession.count() == 1
    accepted = await client.post(
        f"/manage/forums/{forum.slug}/sessions/new", data={**form, "allow_conflicts": "on"}
    )
    assert accepted.status_code == 303
    assert await AgendaSession.count() == 2


async def test_move_a_session_on_the_grid_without_javascript(client):
    forum, token = await _organizer(client)
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    session = await make_session(forum, "Talk", room=hall, start="09:00", end="09:45")
    grid = await client.get(f"/manage/forums/{forum.slug}/agenda")
    assert grid.status_code == 200
    assert 'rowspan="9"' in grid.text  # 45 minutes of 5-minute rows
    moved = await client.post(
        f"/manage/forums/{forum.slug}/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(session.id),
            "room_id": str(side.id),
            "day": DAY.isoformat(),
            "start": "14:00",
        },
    )
    assert moved.status_code == 303
    row = await AgendaSession.objects().first()
    assert (row.room, row.starts_at, row.ends_at) == (
        side.id,
        time.at(DAY, dt.time(14), "Asia/Taipei"),
        time.at(DAY, dt.time(14, 45), "Asia/Taipei"),
    )


async def test_moving_onto_another_session_asks_first(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    await make_session(forum, "Fixed", room=hall, start="09:00", end="10:00")
    mover = await make_session(forum, "Mover", room=hall, start="11:00", end="12:00")
    data = {
        "_csrf_token": token,
        "session_id": str(mover.id),
        "room_id": str(hall.id),
        "day": DAY.isoformat(),
        "start": "09:30",
    }
    refused = await client.post(
        f"/manage/forums/{forum.slug}/agenda/move", data=data, headers={"hx-request": "true"}
    )
    assert refused.status_code == 409
    assert "Move anyway" in refused.text and "<html" not in refused.text  # an htmx fragment
    forced = await client.post(
        f"/manage/forums/{forum.slug}/agenda/move", data={**data, "allow_conflicts": "on"}
    )
    assert forced.status_code == 303


async def test_the_change_log_says_what_changed_when_and_by_whom(client):
    forum, token = await _organizer(client)
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    session = await make_session(forum, "Talk", room=hall, start="09:00", end="09:45")
    await client.post(
        f"/manage/forums/{forum.slug}/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(session.id),
            "room_id": str(side.id),
            "day": DAY.isoformat(),
            "start": "10:00",
        },
    )
    await client.post(
        f"/manage/forums/{forum.slug}/sessions/{session.id}/delete", data={"_csrf_token": token}
    )
    rows = (
        await AgendaChange.select(
            AgendaChange.action, AgendaChange.details, AgendaChange.user.username
        )
        .order_by(AgendaChange.id)
        .output(load_json=True)
    )
    assert [(r["action"], r["user.username"]) for r in rows] == [
        ("added", None),
        ("changed", "org"),
        ("removed", "org"),
    ]
    assert ["starts_at", f"{DAY} 09:00", f"{DAY} 10:00"] in rows[1]["details"]
    assert ["room", str(hall.id), str(side.id)] in rows[1]["details"]
    page = await client.get(f"/manage/forums/{forum.slug}/changes")
    assert f"{DAY} 10:00" in page.text and ">org<" in page.text


def _session_form(token, **fields):
    return {
        "_csrf_token": token,
        "title": "New",
        "kind": "talk",
        "language": "en",
        "day": DAY.isoformat(),
        "start": "09:30",
        "end": "10:30",
        "room_id": "",
        "track_id": "",
        "capacity": "",
        "speaker_ids": [],
        **fields,
    }


async def test_the_clash_preview_shows_nothing_of_another_forum(client):
    from forum_mgmt.registration import services as registration
    from tests.registration.helpers import person

    forum, token = await _organizer(client)
    other = await make_forum("other")
    secret_room = await make_room(other, "Secret Hall", capacity=10)
    secret = await make_session(
        other, "Secret Session", kind="workshop", room=secret_room, capacity=3
    )
    small = await make_room(forum, "Small", capacity=2)
    for n in range(3):
        outcome = await registration.register(other, person(n))
        await registration.book_session(other, outcome.registration, secret.id)
    assert await registration.bookings_of(other, secret.id) == 3
    assert await registration.bookings_of(forum, secret.id) == 0
    check = f"/manage/forums/{forum.slug}/sessions/check"
    foreign_room = await client.post(
        check, data=_session_form(token, room_id=str(secret_room.id), capacity="50")
    )
    assert foreign_room.status_code == 200
    assert '<li data-kind="invalid">No such room in this forum.</li>' in foreign_room.text
    assert "Secret" not in foreign_room.text and "holds" not in foreign_room.text
    foreign_session = await client.post(
        check, data=_session_form(token, session_id=str(secret.id), room_id=str(small.id))
    )
    assert foreign_session.status_code == 404
    assert "Secret" not in foreign_session.text and "booked" not in foreign_session.text


async def test_the_clash_preview_flags_an_end_not_after_the_start(client):
    forum, token = await _organizer(client)
    check = f"/manage/forums/{forum.slug}/sessions/check"
    for end in ("09:00", "09:30"):
        preview = await client.post(check, data=_session_form(token, start="09:30", end=end))
        assert preview.status_code == 200
        assert '<li data-kind="invalid">A session must end after it starts.</li>' in preview.text
    fine = await client.post(check, data=_session_form(token, start="09:30", end="10:00"))
    assert "<li" not in fine.text


async def test_malformed_ids_and_times_in_workspace_forms_are_4xx_or_left_out(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    talk = await make_session(forum, "Talk", room=hall)
    new = f"/manage/forums/{forum.slug}/sessions/new"
    for query in ("start=x", "start=25:00", "room=%C2%B2", "room=99999999999999999999"):
        page = await client.get(f"{new}?{query}")
        assert page.status_code == 200, query
        assert 'value="09:00"' in page.text, query
    slot = await client.get(f"{new}?room={hall.id}&start=14:00")
    assert 'value="14:00"' in slot.text and 'value="14:45"' in slot.text
    for bad in BAD_IDS:
        bad = unquote(bad)
        preview = await client.post(
            f"/manage/forums/{forum.slug}/sessions/check",
            data=_session_form(
                token, session_id=bad, room_id=bad, track_id=bad, capacity=bad, speaker_ids=[bad]
            ),
        )
        assert (preview.status_code, "<li" in preview.text) == (200, False), bad
        for field in ("room_id", "track_id"):
            saved = await client.post(new, data=_session_form(token, **{field: bad}))
            assert saved.status_code == 422, (field, bad)
            assert f'id="e-{field}"' in saved.text, (field, bad)
        for session_id, room_id in ((bad, str(hall.id)), (str(talk.id), bad)):
            moved = await client.post(
                f"/manage/forums/{forum.slug}/agenda/move",
                data={
                    "_csrf_token": token,
                    "session_id": session_id,
                    "room_id": room_id,
                    "day": DAY.isoformat(),
                    "start": "14:00",
                },
            )
            assert moved.status_code == 422, (session_id, room_id)
            assert "Choose a session, a room and a start time" in moved.text
    assert await AgendaSession.count() == 1
    assert (await AgendaSession.objects().first()).sequence == 0
