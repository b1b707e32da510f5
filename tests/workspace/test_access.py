"""The authorization matrix: every workspace page and API write, for every kind of person.

anonymous: 401 (API) or a redirect to /login (pages); staff of the forum, and an organizer
of another forum: 403; this forum's organizer and an admin: allowed (any answer but
401/403/404, since the data may be invalid for some routes).
"""

import pytest

from forum_mgmt.forums.tables import Role
from forum_mgmt.registration.services import register
from tests.conftest import csrf_token
from tests.factories import bearer, make_forum, make_room, make_session, make_speaker, make_track
from tests.factories import make_user as _make_user
from tests.registration.helpers import person

PAGES = [  # (method, path)
    ("GET", "/manage/forums/{slug}"),
    ("POST", "/manage/forums/{slug}"),
    ("POST", "/manage/forums/{slug}/publish"),
    ("POST", "/manage/forums/{slug}/unpublish"),
    ("GET", "/manage/forums/{slug}/agenda"),
    ("POST", "/manage/forums/{slug}/agenda/move"),
    ("GET", "/manage/forums/{slug}/sessions"),
    ("GET", "/manage/forums/{slug}/sessions/new"),
    ("POST", "/manage/forums/{slug}/sessions/new"),
    ("POST", "/manage/forums/{slug}/sessions/check"),
    ("GET", "/manage/forums/{slug}/sessions/{session}"),
    ("POST", "/manage/forums/{slug}/sessions/{session}"),
    ("POST", "/manage/forums/{slug}/sessions/{session}/delete"),
    ("GET", "/manage/forums/{slug}/tracks.css"),
    ("GET", "/manage/forums/{slug}/rooms"),
    ("POST", "/manage/forums/{slug}/rooms"),
    ("GET", "/manage/forums/{slug}/rooms/{room}"),
    ("POST", "/manage/forums/{slug}/rooms/{room}"),
    ("POST", "/manage/forums/{slug}/rooms/{room}/delete"),
    ("GET", "/manage/forums/{slug}/tracks"),
    ("POST", "/manage/forums/{slug}/tracks/{track}/delete"),
    ("GET", "/manage/forums/{slug}/speakers"),
    ("POST", "/manage/forums/{slug}/speakers/{speaker}"),
    ("GET", "/manage/forums/{slug}/import"),
    ("GET", "/manage/forums/{slug}/import/template-speakers.csv"),
    ("GET", "/manage/forums/{slug}/import/template-sessions.csv"),
    ("POST", "/manage/forums/{slug}/import/preview"),
    ("POST", "/manage/forums/{slug}/import/apply"),
    ("GET", "/manage/forums/{slug}/badges.pdf"),
    ("GET", "/manage/forums/{slug}/badges.pdf?id={registration}"),
    ("POST", "/manage/forums/{slug}/registrations/{registration}/reissue"),
]
API = [  # (method, path, json)
    ("PATCH", "/api/forums/{slug}", {"capacity": 10}),
    ("POST", "/api/forums/{slug}/publish", None),
    ("POST", "/api/forums/{slug}/unpublish", None),
    ("POST", "/api/forums/{slug}/rooms", {"name": "New room"}),
    ("PATCH", "/api/forums/{slug}/rooms/{room}", {"capacity": 5}),
    ("DELETE", "/api/forums/{slug}/rooms/{room}", None),
    ("POST", "/api/forums/{slug}/tracks", {"name": "New track"}),
    ("PATCH", "/api/forums/{slug}/tracks/{track}", {"color": "#000000"}),
    ("DELETE", "/api/forums/{slug}/tracks/{track}", None),
    ("POST", "/api/forums/{slug}/speakers", {"name": "New speaker"}),
    ("PATCH", "/api/forums/{slug}/speakers/{speaker}", {"title": "Dr"}),
    ("DELETE", "/api/forums/{slug}/speakers/{speaker}", None),
    (
        "POST",
        "/api/forums/{slug}/sessions",
        {
            "title": "T",
            "starts_at": "2026-12-05T15:00:00+08:00",
            "ends_at": "2026-12-05T16:00:00+08:00",
        },
    ),
    ("PATCH", "/api/forums/{slug}/sessions/{session}", {"title": "Renamed"}),
    ("DELETE", "/api/forums/{slug}/sessions/{session}", None),
    ("POST", "/api/forums/{slug}/registrations/{registration}/reissue", None),
]
WHO = ["anonymous", "staff", "other_organizer", "organizer", "admin"]


async def _world():
    forum = await make_forum("tf")
    other = await make_forum("other")
    ids = {
        "slug": "tf",
        "room": (await make_room(forum, "Spare")).id,
        "track": (await make_track(forum)).id,
        "speaker": (await make_speaker(forum)).id,
    }
    ids["session"] = (await make_session(forum, start="09:00", end="10:00")).id
    ids["registration"] = (await register(forum, person(1))).registration.id
    tokens = {
        "staff": (await _make_user("staff", role=Role.STAFF, forum=forum))[1],
        "other_organizer": (await _make_user("elsewhere", role=Role.ORGANIZER, forum=other))[1],
        "organizer": (await _make_user("organizer", role=Role.ORGANIZER, forum=forum))[1],
        "admin": (await _make_user("root", admin=True))[1],
    }
    return ids, tokens


def _expect(who: str, status: int, *, page: bool, location: str = "") -> None:
    if who == "anonymous":
        if page:
            assert status == 303 and location.startswith("/login"), (status, location)
        else:
            assert status == 401
    elif who in ("staff", "other_organizer"):
        assert status == 403, status
    else:
        assert status not in (401, 403, 404, 405), status
        assert status < 500


@pytest.mark.parametrize("who", WHO)
async def test_api_writes(client, who):
    ids, tokens = await _world()
    for method, path, body in API:
        headers = bearer(tokens[who]) if who != "anonymous" else {"accept": "application/json"}
        response = await client.request(method, path.format(**ids), json=body, headers=headers)
        _expect(who, response.status_code, page=False)


@pytest.mark.parametrize("who", WHO)
async def test_workspace_pages(client, app, who):
    ids, _tokens = await _world()
    if who != "anonymous":
        from tests.conftest import sign_in

        username = {
            "staff": "staff",
            "other_organizer": "elsewhere",
            "organizer": "organizer",
            "admin": "root",
        }[who]
        assert (await sign_in(client, username)).status_code == 303
    token = await csrf_token(client)
    for method, path in PAGES:
        url = path.format(**ids)
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.post(url, data={"_csrf_token": token})
        _expect(who, response.status_code, page=True, location=response.headers.get("location", ""))


async def test_a_bad_token_is_401_not_anonymous(client):
    await _world()
    response = await client.post(
        "/api/forums/tf/rooms", json={"name": "x"}, headers=bearer("fm_not-a-real-token")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_a_revoked_token_stops_working(client):
    from forum_mgmt.accounts import services
    from forum_mgmt.accounts.tables import ApiToken

    _ids, tokens = await _world()
    ok = await client.post(
        "/api/forums/tf/rooms", json={"name": "A"}, headers=bearer(tokens["organizer"])
    )
    assert ok.status_code == 201
    row = await ApiToken.objects(ApiToken.user).where(ApiToken.user.username == "organizer").first()
    await services.revoke_token(row.user, row.id)
    refused = await client.post(
        "/api/forums/tf/rooms", json={"name": "B"}, headers=bearer(tokens["organizer"])
    )
    assert refused.status_code == 401


async def test_session_api_writes_need_the_csrf_header(client):
    from tests.conftest import sign_in

    await _world()
    await sign_in(client, "organizer")
    no_header = await client.post("/api/forums/tf/rooms", json={"name": "A"})
    assert no_header.status_code == 403
    token = await csrf_token(client)
    with_header = await client.post(
        "/api/forums/tf/rooms", json={"name": "A"}, headers={"x-csrftoken": token}
    )
    assert with_header.status_code == 201
