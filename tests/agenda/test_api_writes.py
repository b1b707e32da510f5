"""The organizer API: PRODUCT.md's field names, status codes and clash answers."""

import datetime as dt

from forum_mgmt.agenda.tables import AgendaSession, Room
from forum_mgmt.forums.tables import Forum, Role
from tests.factories import (
    DAY,
    NEXT_DAY,
    at,
    bearer,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
)

LATER = DAY + dt.timedelta(days=90)  # a forum planned further ahead


async def _organizer(slug="tf"):
    forum = await make_forum(slug)
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    return forum, bearer(token)


async def test_build_an_agenda_through_the_api(client):
    _forum, auth = await _organizer()
    room = await client.post(
        "/api/forums/tf/rooms",
        json={"name": "Main Hall", "name_local": "國際會議廳", "capacity": 200},
        headers=auth,
    )
    assert room.status_code == 201
    assert room.json() == {
        "id": room.json()["id"],
        "name": "Main Hall",
        "name_local": "國際會議廳",
        "capacity": 200,
    }
    track = await client.post(
        "/api/forums/tf/tracks", json={"name": "Diplomacy", "color": "#0b5cad"}, headers=auth
    )
    speaker = await client.post(
        "/api/forums/tf/speakers",
        json={"name": "Lin Chia-lung", "name_local": "林佳龍"},
        headers=auth,
    )
    assert (track.status_code, speaker.status_code) == (201, 201)
    session = await client.post(
        "/api/forums/tf/sessions",
        json={
            "title": "Opening",
            "kind": "opening",
            "starts_at": at("09:00"),
            "ends_at": at("09:30"),
            "room_id": room.json()["id"],
            "track_id": track.json()["id"],
            "speaker_ids": [speaker.json()["id"]],
        },
        headers=auth,
    )
    assert session.status_code == 201, session.text
    body = session.json()
    assert (body["starts_at"], body["room"], body["speaker_ids"]) == (
        at("09:00"),
        "Main Hall",
        [speaker.json()["id"]],
    )
    moved = await client.patch(
        f"/api/forums/tf/sessions/{body['id']}",
        json={"starts_at": at("10:00"), "ends_at": at("10:30")},
        headers=auth,
    )
    assert moved.status_code == 200
    assert moved.json()["starts_at"] == at("10:00")
    assert moved.json()["title"] == "Opening"  # a PATCH answers the whole object
    gone = await client.delete(f"/api/forums/tf/sessions/{body['id']}", headers=auth)
    assert gone.status_code == 204
    assert (await client.get("/api/forums/tf/sessions")).json() == []


async def test_create_and_publish_a_forum(client):
    from forum_mgmt.forums import services

    user, token = await make_user("maker")
    org = await services.ensure_organisation("ngo-center", name="NGO Center")
    await services.join(org, user, Role.ORGANIZER)
    created = await client.post(
        "/api/forums",
        headers=bearer(token),
        json={
            "slug": "new-forum",
            "name": "New Forum",
            "name_local": "新論壇",
            "starts_on": LATER.isoformat(),
            "ends_on": (LATER + dt.timedelta(days=1)).isoformat(),
            "timezone": "Asia/Taipei",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert (await client.get("/api/forums/new-forum")).status_code == 404  # drafts are private
    published = await client.post("/api/forums/new-forum/publish", headers=bearer(token))
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert (await client.get("/api/forums/new-forum")).status_code == 200
    patched = await client.patch(
        "/api/forums/new-forum", headers=bearer(token), json={"capacity": 120, "waitlist": False}
    )
    assert (patched.json()["capacity"], patched.json()["waitlist"]) == (120, False)


async def test_an_organizer_without_an_organisation_cannot_create_forums(client):
    _user, token = await make_user("loner")
    response = await client.post(
        "/api/forums",
        headers=bearer(token),
        json={
            "slug": "x",
            "name": "X",
            "starts_on": LATER.isoformat(),
            "ends_on": LATER.isoformat(),
        },
    )
    assert response.status_code == 403
    assert await Forum.count() == 0


async def test_invalid_bodies_name_the_field(client):
    _forum, auth = await _organizer()
    bad_color = await client.post(
        "/api/forums/tf/tracks", json={"name": "T", "color": "red"}, headers=auth
    )
    assert bad_color.status_code == 400
    assert "color" in str(bad_color.json()["fields"])
    backwards = await client.post(
        "/api/forums/tf/sessions",
        headers=auth,
        json={
            "title": "x",
            "starts_at": at("10:00"),
            "ends_at": at("09:00"),
        },
    )
    assert backwards.status_code == 422
    assert set(backwards.json()["fields"]) == {"ends_at"}
    naive = await client.post(
        "/api/forums/tf/sessions",
        headers=auth,
        json={"title": "x", "starts_at": f"{DAY}T10:00:00", "ends_at": f"{DAY}T11:00:00"},
    )
    assert naive.status_code == 422
    malformed = await client.post("/api/forums/tf/rooms", content=b"{nope", headers=auth)
    assert malformed.status_code == 400
    unknown = await client.post(
        "/api/forums/tf/rooms", json={"name": "R", "seats": 3}, headers=auth
    )
    assert unknown.status_code == 400
    assert await AgendaSession.count() == 0 and await Room.count() == 0


async def _clash_setup(client, auth):
    hall = (
        await client.post(
            "/api/forums/tf/rooms", json={"name": "Hall", "capacity": 50}, headers=auth
        )
    ).json()
    lin = (await client.post("/api/forums/tf/speakers", json={"name": "Lin"}, headers=auth)).json()
    first = await client.post(
        "/api/forums/tf/sessions",
        headers=auth,
        json={
            "title": "First",
            "starts_at": at("09:00"),
            "ends_at": at("10:00"),
            "room_id": hall["id"],
            "speaker_ids": [lin["id"]],
        },
    )
    assert first.status_code == 201
    return hall, lin, first.json()


async def test_each_clash_kind_answers_409_and_is_saved_only_when_allowed(client):
    _forum, auth = await _organizer()
    hall, lin, first = await _clash_setup(client, auth)
    side = (await client.post("/api/forums/tf/rooms", json={"name": "Side"}, headers=auth)).json()
    cases = {
        "room": {"room_id": hall["id"]},
        "speaker": {"room_id": side["id"], "speaker_ids": [lin["id"]]},
        "capacity": {
            "room_id": hall["id"],
            "capacity": 80,
            "starts_at": at("11:00"),
            "ends_at": at("12:00"),
        },
        "outside_forum": {
            "starts_at": at("09:00", NEXT_DAY),
            "ends_at": at("10:00", NEXT_DAY),
        },
    }
    for kind, fields in cases.items():
        body = {
            "title": f"Clash {kind}",
            "starts_at": at("09:30"),
            "ends_at": at("10:30"),
            **fields,
        }
        refused = await client.post("/api/forums/tf/sessions", json=body, headers=auth)
        assert refused.status_code == 409, (kind, refused.text)
        conflicts = refused.json()["conflicts"]
        assert [c["kind"] for c in conflicts] == [kind]
        if kind in ("room", "speaker"):
            assert conflicts[0]["session_id"] == first["id"]
        assert conflicts[0]["message"]
        assert await AgendaSession.count().where(AgendaSession.cancelled_at.is_null()) == 1
        allowed = await client.post(
            "/api/forums/tf/sessions", json={**body, "allow_conflicts": True}, headers=auth
        )
        assert allowed.status_code == 201
        await client.delete(f"/api/forums/tf/sessions/{allowed.json()['id']}", headers=auth)


async def test_moving_a_session_onto_another_is_a_clash(client):
    _forum, auth = await _organizer()
    hall, _lin, first = await _clash_setup(client, auth)
    later = await client.post(
        "/api/forums/tf/sessions",
        headers=auth,
        json={
            "title": "Later",
            "starts_at": at("11:00"),
            "ends_at": at("12:00"),
            "room_id": hall["id"],
        },
    )
    moved = await client.patch(
        f"/api/forums/tf/sessions/{later.json()['id']}",
        headers=auth,
        json={"starts_at": at("09:30")},
    )
    assert moved.status_code == 409
    assert moved.json()["conflicts"][0]["session_id"] == first["id"]
    # a session never clashes with itself
    itself = await client.patch(
        f"/api/forums/tf/sessions/{first['id']}", headers=auth, json={"title": "First, renamed"}
    )
    assert itself.status_code == 200


async def test_deleting_a_room_in_use_is_409(client):
    _forum, auth = await _organizer()
    hall, _lin, _first = await _clash_setup(client, auth)
    response = await client.delete(f"/api/forums/tf/rooms/{hall['id']}", headers=auth)
    assert response.status_code == 409
    assert await Room.count() == 1


async def test_moving_a_workshop_with_more_bookings_than_seats_is_a_capacity_clash(client):
    from forum_mgmt.registration import services as registration
    from tests.registration.helpers import person

    forum, auth = await _organizer()
    big = (
        await client.post(
            "/api/forums/tf/rooms", json={"name": "Big", "capacity": 40}, headers=auth
        )
    ).json()
    small = (
        await client.post(
            "/api/forums/tf/rooms", json={"name": "Small", "capacity": 2}, headers=auth
        )
    ).json()
    workshop = (
        await client.post(
            "/api/forums/tf/sessions",
            headers=auth,
            json={
                "title": "Workshop",
                "kind": "workshop",
                "starts_at": at("13:00"),
                "ends_at": at("15:00"),
                "room_id": big["id"],
            },
        )
    ).json()
    for n in range(3):
        outcome = await registration.register(forum, person(n))
        await registration.book_session(forum, outcome.registration, workshop["id"])
    moved = await client.patch(
        f"/api/forums/tf/sessions/{workshop['id']}", headers=auth, json={"room_id": small["id"]}
    )
    assert moved.status_code == 409
    [clash] = moved.json()["conflicts"]
    assert clash["kind"] == "capacity"
    assert clash["message"] == "3 people have booked, but Small holds 2."


SESSION = {
    "title": "Talk",
    "starts_at": at("11:00"),
    "ends_at": at("12:00"),
}


async def test_ids_in_a_body_out_of_range_are_refused_naming_the_field(client):
    _forum, auth = await _organizer()
    session = (await client.post("/api/forums/tf/sessions", json=SESSION, headers=auth)).json()
    for bad in (0, -1, 2**31, 99999999999999999999):
        cases = {
            "room_id": {"room_id": bad},
            "track_id": {"track_id": bad},
            "speaker_ids[0]": {"speaker_ids": [bad]},
            "speakers[0].speaker_id": {"speakers": [{"speaker_id": bad}]},
        }
        for field, extra in cases.items():
            added = await client.post(
                "/api/forums/tf/sessions", json={**SESSION, **extra}, headers=auth
            )
            assert added.status_code == 400, (field, bad)
            assert list(added.json()["fields"]) == [field]
            patched = await client.patch(
                f"/api/forums/tf/sessions/{session['id']}", json=extra, headers=auth
            )
            assert patched.status_code == 400, (field, bad)
            assert list(patched.json()["fields"]) == [field]
    assert await AgendaSession.count() == 1
    assert (await AgendaSession.objects().first()).sequence == 0


async def test_another_forums_room_track_speaker_and_session_are_refused(client):
    _forum, auth = await _organizer()
    other = await make_forum("other")
    room = await make_room(other, "Secret Hall", capacity=5)
    track = await make_track(other, "Secret Track")
    speaker = await make_speaker(other, "Secret Speaker")
    theirs = await make_session(other, "Secret Session", room=room, speakers=[speaker])
    mine = (await client.post("/api/forums/tf/sessions", json=SESSION, headers=auth)).json()
    cases = [
        ({"room_id": room.id, "capacity": 50}, {"room_id": "No such room in this forum."}),
        ({"track_id": track.id}, {"track_id": "No such track in this forum."}),
        (
            {"speaker_ids": [speaker.id]},
            {"speakers": "Each speaker must be of this forum, and listed once."},
        ),
    ]
    for extra, fields in cases:
        for allow in (False, True):
            body = {**extra, "allow_conflicts": allow}
            added = await client.post(
                "/api/forums/tf/sessions", json={**SESSION, **body}, headers=auth
            )
            patched = await client.patch(
                f"/api/forums/tf/sessions/{mine['id']}", json=body, headers=auth
            )
            for response in (added, patched):
                assert response.status_code == 422, (extra, response.text)
                assert response.json()["fields"] == fields
                assert "Secret" not in response.text
    for response in (
        await client.patch(
            f"/api/forums/tf/sessions/{theirs.id}", json={"title": "Mine now"}, headers=auth
        ),
        await client.delete(f"/api/forums/tf/sessions/{theirs.id}", headers=auth),
        await client.patch(f"/api/forums/tf/rooms/{room.id}", json={"capacity": 1}, headers=auth),
    ):
        assert response.status_code == 404
        assert "Secret" not in response.text
    assert await AgendaSession.count() == 2
    row = await AgendaSession.objects().where(AgendaSession.id == theirs.id).first()
    assert (row.title, row.sequence, row.cancelled_at) == ("Secret Session", 0, None)
    assert (await Room.objects().where(Room.id == room.id).first()).capacity == 5
    mine_now = await AgendaSession.objects().where(AgendaSession.id == mine["id"]).first()
    assert (mine_now.room, mine_now.track, mine_now.sequence) == (None, None, 0)


async def test_item_changes_through_the_api_are_logged_with_their_author(client):
    from forum_mgmt.agenda.tables import AgendaChange

    forum, auth = await _organizer()
    room = await make_room(forum, "Side Room")
    speaker = await make_speaker(forum, "Sample Person")
    await make_session(forum, room=room, speakers=[speaker])
    assert (
        await client.patch(f"/api/forums/tf/rooms/{room.id}", json={"name": "Salon"}, headers=auth)
    ).status_code == 200
    assert (
        await client.delete(f"/api/forums/tf/speakers/{speaker.id}", headers=auth)
    ).status_code == 204
    rows = await AgendaChange.select(AgendaChange.action, AgendaChange.user.username).order_by(
        AgendaChange.id
    )
    assert [(r["action"], r["user.username"]) for r in rows][-2:] == [
        ("room_changed", "org"),
        ("speaker_deleted", "org"),
    ]
