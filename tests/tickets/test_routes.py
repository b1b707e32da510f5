"""GET /api/forums/{slug}/checkin-key: the forum's public key, for its staff only."""

from forum_mgmt.forums.tables import Role
from forum_mgmt.tickets import codes, keys
from tests.conftest import sign_in
from tests.factories import bearer, make_forum, make_user


async def test_staff_get_the_forums_public_key(client):
    forum = await make_forum()
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    response = await client.get("/api/forums/test-forum/checkin-key", headers=bearer(token))
    assert response.status_code == 200
    pair = await keys.forum_key(forum)
    assert response.json() == {
        "forum_id": forum.id,
        "algorithm": "Ed25519",
        "public_key": pair.public_b64,
    }
    public = keys.load_public_key(response.json()["public_key"])
    code = codes.sign(pair.private, forum.id, 5, 0)
    assert codes.verify(public, code, forum_id=forum.id) == codes.Claims(forum.id, 5, 0)


async def test_signed_in_organizer_gets_the_same_key_every_time(client):
    forum = await make_forum()
    await make_user("boss", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "boss")
    first = await client.get("/api/forums/test-forum/checkin-key")
    again = await client.get("/api/forums/test-forum/checkin-key")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["public_key"] == (await keys.forum_key(forum)).public_b64


async def test_without_sign_in_it_is_401(client):
    await make_forum()
    response = await client.get("/api/forums/test-forum/checkin-key")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_staff_of_another_forum_get_403(client):
    await make_forum()
    other = await make_forum("other-forum")
    _user, token = await make_user("elsewhere", role=Role.STAFF, forum=other)
    response = await client.get("/api/forums/test-forum/checkin-key", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    _user, no_role = await make_user("nobody")
    response = await client.get("/api/forums/test-forum/checkin-key", headers=bearer(no_role))
    assert response.status_code == 403
