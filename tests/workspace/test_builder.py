"""The agenda builder over HTTP: the quick form of a free slot (htmx and without
JavaScript), moving a session to another day, and the change log of rooms, tracks and
speakers."""

import datetime as dt

from forum_mgmt.agenda.tables import AgendaChange, AgendaSession, SessionSpeaker
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    DAY,
    TZ,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
    spelled,
)

HX = {"HX-Request": "true"}
NEXT_DAY = DAY + dt.timedelta(days=1)


async def _organizer(client, slug="qf", **fields):
    forum = await make_forum(slug, **fields)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    return forum, await csrf_token(client)


def _quick(token, room, **fields):
    return {
        "_csrf_token": token,
        "title": "Quick talk",
        "kind": "panel",
        "day": DAY.isoformat(),
        "start": "11:00",
        "end": "11:45",
        "room_id": str(room.id),
        **fields,
    }


async def _sessions():
    rows = await AgendaSession.objects().order_by(AgendaSession.id)
    return [
        (s.title, s.kind, s.room, time.local(s.starts_at, TZ), time.local(s.ends_at, TZ))
        for s in rows
    ]


def _at(day, clock):
    return time.local(time.at(day, dt.time.fromisoformat(clock), TZ), TZ)


async def test_plus_in_a_free_slot_is_a_link_to_the_full_form_and_an_htmx_quick_form(client):
    forum, _token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    grid = await client.get(f"/manage/forums/{forum.slug}/agenda")
    slot = f"room={hall.id}&amp;day={DAY.isoformat()}&amp;start=09:15"
    assert f'href="/manage/forums/qf/sessions/new?{slot}"' in grid.text
    assert f'hx-get="/manage/forums/qf/agenda/quick?{slot}" hx-target="#quick"' in grid.text
    assert '<aside id="quick" class="quick"></aside>' in grid.text

    query = f"room={hall.id}&day={DAY.isoformat()}&start=09:15"
    form = await client.get(f"/manage/forums/qf/agenda/quick?{query}", headers=HX)
    assert form.status_code == 200
    assert "<html" not in form.text and 'id="quick-title"' in form.text
    assert 'hx-post="/manage/forums/qf/agenda/quick" hx-target="#quick"' in form.text
    assert f'<input type="hidden" name="day" value="{DAY.isoformat()}">' in form.text
    assert f'<option value="{hall.id}" selected>Hall</option>' in form.text
    assert 'name="start" type="time" value="09:15"' in form.text
    assert 'name="end" type="time" value="10:00"' in form.text
    assert 'name="allow_conflicts"' not in form.text  # only once a clash is shown
    assert f'href="/manage/forums/qf/sessions/new?room={hall.id}&amp;day=' in form.text
    assert "&amp;start=09%3A15" in form.text  # "All fields": the full form, for this slot

    # Without htmx the same address is the full form, filled in with the slot.
    plain = await client.get(f"/manage/forums/qf/agenda/quick?{query}")
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/manage/forums/qf/sessions/new?{query}"
    full = await client.get(plain.headers["location"])
    assert full.status_code == 200 and "<html" in full.text
    assert f'<option value="{hall.id}" selected>' in full.text
    assert 'value="09:15"' in full.text and 'value="10:00"' in full.text


async def test_quick_form_saves_and_answers_the_grid_with_the_new_session(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    lin = await make_speaker(forum, "Lin")
    saved = await client.post(
        "/manage/forums/qf/agenda/quick",
        data=_quick(token, hall, speaker_ids=[str(lin.id)]),
        headers=HX,
    )
    assert saved.status_code == 200
    assert (saved.headers["hx-retarget"], saved.headers["hx-reswap"]) == ("#grid", "outerHTML")
    assert saved.text.startswith('\n<section id="grid"') or '<section id="grid"' in saved.text
    assert "<html" not in saved.text
    assert "Added “Quick talk”." in saved.text
    assert 'rowspan="9"' in saved.text and ">Quick talk</a>" in saved.text
    assert "11:00–11:45 · Panel" in saved.text
    assert await _sessions() == [
        ("Quick talk", "panel", hall.id, _at(DAY, "11:00"), _at(DAY, "11:45"))
    ]
    links = await SessionSpeaker.select(SessionSpeaker.speaker, SessionSpeaker.role)
    assert links == [{"speaker": lin.id, "role": "speaker"}]
    log = await AgendaChange.select(AgendaChange.action, AgendaChange.user.username)
    assert log == [{"action": "added", "user.username": "org"}]


async def test_quick_form_shows_a_clash_writes_nothing_and_saves_when_accepted(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    await make_session(forum, "Existing", room=hall, start="11:00", end="12:00")
    before = await _sessions()
    refused = await client.post(
        "/manage/forums/qf/agenda/quick", data=_quick(token, hall), headers=HX
    )
    assert refused.status_code == 409
    assert "hx-retarget" not in refused.headers  # into the panel, where the form is
    assert "<html" not in refused.text and 'id="quick-title"' in refused.text
    assert (
        '<li data-kind="room">The room is already used by “Existing” at that time.</li>'
        in refused.text
    )
    assert 'name="allow_conflicts"' in refused.text
    assert 'name="title" type="text" value="Quick talk"' in refused.text  # kept as typed
    assert await _sessions() == before
    assert await AgendaChange.count() == 1  # only Existing's "added"

    # The live preview of the quick form is the same check.
    preview = await client.post(
        "/manage/forums/qf/sessions/check", data=_quick(token, hall), headers=HX
    )
    assert "The room is already used by “Existing” at that time." in preview.text

    accepted = await client.post(
        "/manage/forums/qf/agenda/quick",
        data=_quick(token, hall, allow_conflicts="on"),
        headers=HX,
    )
    assert accepted.status_code == 200 and accepted.headers["hx-retarget"] == "#grid"
    assert [title for title, *_rest in await _sessions()] == ["Existing", "Quick talk"]


async def test_quick_form_names_the_field_to_fix(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    for fields, field, message in (
        ({"title": ""}, "title", "This is too long or too short."),
        ({"end": "10:30"}, "end", "A session must end after it starts."),
        ({"start": "soon"}, "start", "Give a time such as 09:30."),
    ):
        refused = await client.post(
            "/manage/forums/qf/agenda/quick", data=_quick(token, hall, **fields), headers=HX
        )
        assert refused.status_code == 422, fields
        assert f'<p class="error" id="e-{field}">{message}</p>' in refused.text, fields
        assert "<html" not in refused.text
    assert await AgendaSession.count() == 0


async def test_quick_form_without_javascript_redirects_or_shows_the_full_form(client):
    forum, token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    await make_session(forum, "Existing", room=hall, start="11:00", end="12:00")
    refused = await client.post("/manage/forums/qf/agenda/quick", data=_quick(token, hall))
    assert refused.status_code == 409
    assert "<html" in refused.text and "<h1>Add a session</h1>" in refused.text
    assert 'name="allow_conflicts"' in refused.text
    assert await AgendaSession.count() == 1
    saved = await client.post(
        "/manage/forums/qf/agenda/quick", data=_quick(token, hall, allow_conflicts="on")
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/manage/forums/qf/agenda?day={DAY.isoformat()}"
    assert await AgendaSession.count() == 2


async def test_the_move_form_moves_a_session_to_another_day(client):
    forum, token = await _organizer(client, ends_on=NEXT_DAY)
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    talk = await make_session(forum, "Talk", room=hall, start="09:00", end="09:45")
    grid = await client.get("/manage/forums/qf/agenda")
    assert (
        f'<option value="{DAY.isoformat()}" selected>{spelled(DAY, "medium")}</option>'
        f'<option value="{NEXT_DAY.isoformat()}" >{spelled(NEXT_DAY, "medium")}</option>'
    ) in grid.text
    assert f'data-day="{NEXT_DAY.isoformat()}"' in grid.text  # the day's tab, a drop target
    moved = await client.post(
        "/manage/forums/qf/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(talk.id),
            "room_id": str(side.id),
            "day": NEXT_DAY.isoformat(),
            "start": "14:00",
        },
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/manage/forums/qf/agenda?day={NEXT_DAY.isoformat()}"
    assert await _sessions() == [
        ("Talk", "talk", side.id, _at(NEXT_DAY, "14:00"), _at(NEXT_DAY, "14:45"))
    ]
    second = await client.get(moved.headers["location"])
    assert "14:00–14:45 · Talk" in second.text
    first = await client.get(f"/manage/forums/qf/agenda?day={DAY.isoformat()}")
    assert "Talk</a>" not in first.text

    # With htmx (a drop on the first day's tab) the answer is that day's grid.
    back = await client.post(
        "/manage/forums/qf/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(talk.id),
            "room_id": str(side.id),
            "day": DAY.isoformat(),
            "start": "14:00",
        },
        headers=HX,
    )
    assert back.status_code == 200 and "<html" not in back.text
    assert f'<a href="/manage/forums/qf/agenda?day={DAY.isoformat()}" data-day' in back.text
    assert f'data-day="{DAY.isoformat()}" aria-current="page"' in back.text
    assert "14:00–14:45 · Talk" in back.text
    assert await _sessions() == [("Talk", "talk", side.id, _at(DAY, "14:00"), _at(DAY, "14:45"))]


async def test_a_one_day_forum_keeps_the_day_of_the_move_form_hidden(client):
    forum, _token = await _organizer(client)
    hall = await make_room(forum, "Hall")
    await make_session(forum, "Talk", room=hall)
    grid = await client.get("/manage/forums/qf/agenda")
    assert f'<input type="hidden" name="day" value="{DAY.isoformat()}">' in grid.text
    assert '<select name="day">' not in grid.text


async def _log():
    return (
        await AgendaChange.select(
            AgendaChange.action,
            AgendaChange.session,
            AgendaChange.details,
            AgendaChange.published,
            AgendaChange.user.username,
        )
        .where(AgendaChange.session.is_null())
        .order_by(AgendaChange.id)
        .output(load_json=True)
    )


async def test_renaming_rooms_tracks_and_speakers_is_in_the_change_log(client):
    forum, token = await _organizer(client)
    hall, track = await make_room(forum, "Hall", capacity=100), await make_track(forum, "Civic")
    lin = await make_speaker(forum, "Lin", organization="MOFA")
    await make_session(forum, "Opening", room=hall, track=track, speakers=[lin])
    await make_session(forum, "Panel", room=hall, start="10:00", end="11:00")
    removed = await make_session(forum, "Gone", room=hall, start="12:00", end="13:00")
    await client.post(
        f"/manage/forums/qf/sessions/{removed.id}/delete", data={"_csrf_token": token}
    )

    for path, form in (
        (f"rooms/{hall.id}", {"name": "Grand Hall", "capacity": "100"}),
        (f"rooms/{hall.id}", {"name": "Grand Hall", "capacity": "120"}),
        (f"rooms/{hall.id}", {"name": "Grand Hall", "capacity": "120"}),  # no change
        (f"tracks/{track.id}", {"name": "Civic tech", "color": "#1f6feb"}),
        (f"speakers/{lin.id}", {"name": "Lin Chia-lung", "organization": "MOFA"}),
    ):
        saved = await client.post(f"/manage/forums/qf/{path}", data={"_csrf_token": token, **form})
        assert saved.status_code == 303, path
    assert await _log() == [
        {
            "action": "room_changed",
            "session": None,
            "details": [
                ["name", "Hall", "Grand Hall"],
                ["sessions", "", "Opening, Panel"],
            ],
            "published": True,
            "user.username": "org",
        },
        {
            "action": "room_changed",
            "session": None,
            "details": [
                ["name", "Grand Hall", "Grand Hall"],
                ["capacity", "100", "120"],
                ["sessions", "", "Opening, Panel"],
            ],
            "published": True,
            "user.username": "org",
        },
        {
            "action": "track_changed",
            "session": None,
            "details": [["name", "Civic", "Civic tech"], ["sessions", "", "Opening"]],
            "published": True,
            "user.username": "org",
        },
        {
            "action": "speaker_changed",
            "session": None,
            "details": [["name", "Lin", "Lin Chia-lung"], ["sessions", "", "Opening"]],
            "published": True,
            "user.username": "org",
        },
    ]
    page = await client.get("/manage/forums/qf/changes")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert (
        '<span class="badge">Room</span> Grand Hall </td> <td> Changed <ul class="diff"> '
        "<li><code>name</code>: <del>Hall</del> → <ins>Grand Hall</ins></li> "
        "<li>Its sessions: Opening, Panel</li> </ul>"
    ) in text
    assert "<li><code>name</code>: Grand Hall</li>" in text  # kept its name
    assert "<li><code>capacity</code>: <del>100</del> → <ins>120</ins></li>" in text
    assert '<span class="badge">Track</span> Civic tech' in text
    assert '<span class="badge">Speaker</span> Lin Chia-lung' in text


async def test_deleting_a_speaker_track_or_room_is_in_the_change_log(client):
    forum, token = await _organizer(client)
    hall, spare = await make_room(forum, "Hall"), await make_room(forum, "Spare")
    track = await make_track(forum, "Civic")
    lin, wu = await make_speaker(forum, "Lin"), await make_speaker(forum, "Wu")
    await make_session(forum, "Opening", room=hall, track=track, speakers=[lin, wu])
    await make_session(forum, "Panel", room=hall, start="10:00", end="11:00", speakers=[lin])
    for path in (f"speakers/{lin.id}", f"tracks/{track.id}", f"rooms/{spare.id}"):
        deleted = await client.post(f"/manage/forums/qf/{path}/delete", data={"_csrf_token": token})
        assert deleted.status_code == 303, path
    assert await _log() == [
        {
            "action": "speaker_deleted",
            "session": None,
            "details": [["name", "Lin", ""], ["sessions", "Opening, Panel", ""]],
            "published": True,
            "user.username": "org",
        },
        {
            "action": "track_deleted",
            "session": None,
            "details": [["name", "Civic", ""], ["sessions", "Opening", ""]],
            "published": True,
            "user.username": "org",
        },
        {
            "action": "room_deleted",
            "session": None,
            "details": [["name", "Spare", ""]],
            "published": True,
            "user.username": "org",
        },
    ]
    # Lin is off both sessions; Wu stays on the opening.
    assert await SessionSpeaker.select(SessionSpeaker.speaker.name) == [{"speaker.name": "Wu"}]
    page = await client.get("/manage/forums/qf/changes")
    text = " ".join(page.text.split())
    assert (
        '<span class="badge">Speaker</span> Lin </td> <td> Deleted <ul class="diff"> '
        "<li><code>name</code>: <del>Lin</del> → <ins>—</ins></li> "
        "<li>Its sessions: Opening, Panel</li> </ul>"
    ) in text
    zh = " ".join((await client.get("/manage/forums/qf/changes?lang=zh-TW")).text.split())
    assert '<span class="badge">講者</span> Lin </td> <td> 已刪除' in zh
    assert "<li>相關議程: Opening, Panel</li>" in zh


async def test_item_changes_are_logged_before_publishing_too_marked_not_public(client):
    # As for sessions: every change is logged; "published" says whether it was public.
    forum, token = await _organizer(client, publish=False)
    room = await make_room(forum, "Hall")
    await client.post(
        f"/manage/forums/qf/rooms/{room.id}", data={"_csrf_token": token, "name": "Atrium"}
    )
    assert [(r["action"], r["published"]) for r in await _log()] == [("room_changed", False)]
    page = await client.get("/manage/forums/qf/changes")
    assert "Atrium" in page.text and 'class="badge published"' not in page.text
