"""Redis down: the public side and token check-in keep working, signing in says 503 (a page
a person understands, never a 500), and /healthz says which service is down."""

from collections.abc import Iterator

import httpx
import pytest

from forum_mgmt.forums.tables import Role
from tests.checkin.helpers import device_code, door, open_forum, ticket, url
from tests.factories import PASSWORD, make_user
from tests.registration.helpers import body
from tests.servers import running_server

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
UNAVAILABLE = "Sign-in is unavailable for a moment. Please try again in a few minutes."


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(env={"REDIS_URL": NOWHERE}) as address:
        yield address


async def _csrf(client: httpx.AsyncClient) -> str:
    await client.get("/login")
    return client.cookies["csrftoken"]


async def test_healthz_names_the_service_that_is_down(server):
    async with httpx.AsyncClient(base_url=server) as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "unavailable", "database": "ok", "redis": "down"},
    )


async def test_sign_in_answers_a_503_page_not_a_500(server):
    await make_user("alice")
    async with httpx.AsyncClient(base_url=server) as client:
        form = await client.get("/login")
        assert form.status_code == 200
        data = {"username": "alice", "password": PASSWORD, "_csrf_token": await _csrf(client)}
        response = await client.post("/login", data=data)
        zh = await client.post("/login?lang=zh-TW", data=data)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert UNAVAILABLE in response.text
    assert 'name="password"' in response.text  # the form, to try again
    assert zh.status_code == 503
    assert "登入暫時無法使用" in zh.text


async def test_a_session_cookie_on_a_public_page_is_ignored_and_on_a_workspace_page_is_503(
    server,
):
    forum = await open_forum("open")
    async with httpx.AsyncClient(base_url=server, cookies={"session": "b" * 64}) as client:
        home = await client.get("/")
        page = await client.get(f"/forums/{forum.slug}")
        api = await client.get(f"/api/forums/{forum.slug}")
        manage = await client.get("/manage", headers={"accept": "text/html"})
        manage_api = await client.get(f"/api/forums/{forum.slug}/registrations")
    assert (home.status_code, page.status_code, api.status_code) == (200, 200, 200)
    assert "session=" not in home.headers.get("set-cookie", "")  # the cookie is kept
    assert manage.status_code == 503 and UNAVAILABLE in manage.text
    assert (manage_api.status_code, manage_api.json()) == (
        503,
        {"error": "unavailable", "message": UNAVAILABLE},
    )


async def test_sign_up_and_bearer_check_in_keep_working(server):
    forum = await open_forum("open")
    async with httpx.AsyncClient(base_url=server) as client:
        signed_up = await client.post(f"/api/forums/{forum.slug}/registrations", json=body(1))
        assert signed_up.status_code == 201, signed_up.text
        _reg, code = await ticket(forum, 2)
        scan = await client.post(
            url(forum), json={"code": code, "gate": "A"}, headers=await door(forum)
        )
    assert scan.status_code == 200, scan.text
    assert scan.json()["result"] == "ok"


async def test_a_device_link_and_signing_out_answer_503(server):
    forum = await open_forum("open")
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    async with httpx.AsyncClient(base_url=server, headers={"accept": "text/html"}) as client:
        code = await device_code(token, forum.slug)
        device = await client.post(
            f"/checkin/{forum.slug}/device", data={"code": code, "_csrf_token": await _csrf(client)}
        )
        client.cookies.set("session", "c" * 64)
        out = await client.post("/logout", data={"_csrf_token": await _csrf(client)})
    assert device.status_code == 503 and UNAVAILABLE in device.text
    assert out.status_code == 503 and UNAVAILABLE in out.text  # not a false "signed out"
