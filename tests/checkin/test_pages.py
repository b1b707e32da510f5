"""/checkin/{slug}: the scanner page for staff, and the device links that sign a phone in."""

import datetime as dt
import json
import re

import httpx
import pytest
from lxml import html

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.checkin.tables import DeviceCode
from forum_mgmt.core import time
from forum_mgmt.core.errors import Forbidden
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, ForumRole, Role
from forum_mgmt.tickets import qr
from tests.checkin.helpers import device_code, open_forum
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_session, make_user


async def test_anonymous_is_sent_to_sign_in(client):
    await make_forum()
    response = await client.get("/checkin/test-forum")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcheckin%2Ftest-forum"


async def test_staff_of_another_forum_is_refused(client):
    await make_forum()
    other = await make_forum("other-forum")
    await make_user("elsewhere", role=Role.STAFF, forum=other)
    await sign_in(client, "elsewhere")
    response = await client.get("/checkin/test-forum")
    assert response.status_code == 403


async def test_staff_get_the_scanner_with_its_data_and_messages(client):
    forum = await make_forum()
    await make_session(forum, "Soldering", kind="workshop", capacity=12)
    await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "door")
    response = await client.get("/checkin/test-forum")
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    doc = html.fromstring(response.text)
    root = doc.get_element_by_id("scanner")
    assert root.get("data-forum-id") == str(forum.id)
    assert root.get("data-scan-url") == "/api/forums/test-forum/checkins"
    assert root.get("data-data-url") == "/api/forums/test-forum/checkin-data"
    assert root.get("data-sync-url") == "/api/forums/test-forum/checkins/sync"
    assert root.get("data-search-url") == "/api/forums/test-forum/checkin-search"
    assert doc.get_element_by_id("answer").get("aria-live") == "assertive"
    options = [o.text_content() for o in doc.xpath("//select[@id='list']/option")]
    assert options[1].startswith("Soldering")
    # house style: no inline script, no inline style; the messages are data, not code
    scripts = doc.xpath("//script")
    assert all(s.get("src") or s.get("type") == "application/json" for s in scripts)
    assert doc.xpath("//*[@style]") == []
    messages = json.loads(doc.get_element_by_id("messages").text)
    assert messages["result"]["ok"] == "Welcome"


async def test_the_scanner_speaks_traditional_chinese(client):
    forum = await make_forum()
    await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "door")
    response = await client.get("/checkin/test-forum?lang=zh-TW")
    doc = html.fromstring(response.text)
    messages = json.loads(doc.get_element_by_id("messages").text)
    assert messages["result"]["ok"] == "歡迎"
    assert "報到" in doc.findtext(".//h1")


async def _press(client, slug: str, code: str):
    """The button on the device link's page: a POST with the code and the CSRF token."""
    return await client.post(
        f"/checkin/{slug}/device", data={"code": code, "_csrf_token": await csrf_token(client)}
    )


async def _open_device_link(client, token: str, slug: str = "test-forum") -> None:
    code = await device_code(token, slug)
    page = await client.get(f"/checkin/{slug}/device?code={code}")
    assert page.status_code == 200
    response = await _press(client, slug, code)
    assert (response.status_code, response.headers["location"]) == (303, f"/checkin/{slug}")


async def test_a_device_link_shows_a_button_and_signs_in_only_when_pressed(client):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    # a link preview or a pre-fetching mail client only GETs: that spends nothing
    for _ in range(2):
        page = await client.get(f"/checkin/test-forum/device?code={code}")
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["referrer-policy"] == "no-referrer"
        form = html.fromstring(page.text).xpath("//form[@method='post']")[0]
        assert form.get("action") == "/checkin/test-forum/device"
        assert form.xpath(".//input[@name='code']/@value") == [code]
        assert token not in page.text
    assert _sent_to_sign_in(await client.get("/checkin/test-forum"), "/checkin/test-forum")
    row = await DeviceCode.objects().first()
    assert row.used_at is None
    assert row.digest == accounts.token_digest(code) and code not in str(row.to_dict())
    response = await _press(client, "test-forum", code)
    assert (response.status_code, response.headers["location"]) == (303, "/checkin/test-forum")
    assert (await client.get("/checkin/test-forum")).status_code == 200
    assert (await DeviceCode.objects().first()).used_at is not None


async def test_a_device_link_works_once(client, app):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    assert (await _press(client, "test-forum", code)).status_code == 303
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as thief:
        page = await thief.get(f"/checkin/test-forum/device?code={code}")
        assert page.status_code == 410
        assert "already been used" in page.text
        again = await _press(thief, "test-forum", code)
        assert again.status_code == 410
        assert "already been used" in again.text
        assert "session" not in thief.cookies


async def test_an_expired_device_link_is_refused(client):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    await DeviceCode.update({DeviceCode.expires_at: time.now() - dt.timedelta(seconds=1)}).where(
        DeviceCode.digest == accounts.token_digest(code)
    )
    for response in (
        await client.get(f"/checkin/test-forum/device?code={code}"),
        await _press(client, "test-forum", code),
    ):
        assert response.status_code == 410
        assert "expired" in response.text
    assert (await client.get("/checkin/test-forum")).status_code == 303
    assert (await DeviceCode.objects().first()).used_at is None


async def test_a_bad_device_link_is_a_friendly_refusal(client):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    wrong = await client.get("/checkin/test-forum/device?code=fmd_not-a-code")
    assert wrong.status_code == 404
    assert "device link" in wrong.text
    assert (await _press(client, "test-forum", "fmd_not-a-code")).status_code == 404
    missing = await client.get("/checkin/test-forum/device")
    assert missing.status_code == 400
    # a code of this forum, through another forum's address
    await make_forum("other-forum")
    code = await device_code(token, "test-forum")
    assert (await _press(client, "other-forum", code)).status_code == 404
    assert (await client.get("/checkin/test-forum")).status_code == 303


async def test_an_old_device_link_with_a_token_is_refused_and_says_why(client):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    response = await client.get(f"/checkin/test-forum/device?token={token}")
    assert response.status_code == 410
    text = " ".join(html.fromstring(response.text).text_content().split())
    assert "no longer carry an API token" in text
    assert "revoke that token" in text
    assert token not in response.text
    assert "session" not in client.cookies
    assert (await client.get("/checkin/test-forum")).status_code == 303


async def test_a_device_link_of_someone_without_rights_here_cannot_be_made(client):
    await make_forum()
    other = await make_forum("other-forum")
    _user, token = await make_user("elsewhere", role=Role.STAFF, forum=other)
    with pytest.raises(Forbidden):
        await device_code(token, "test-forum")


async def test_a_device_link_stops_when_its_owner_loses_the_role(client):
    forum = await make_forum()
    user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    await ForumRole.delete().where(ForumRole.user == user.id)
    forums._known_roles.clear()
    response = await _press(client, "test-forum", code)
    assert response.status_code == 403
    assert "does not give check-in rights here" in response.text
    assert (await client.get("/checkin/test-forum")).status_code == 303


async def test_a_device_link_of_a_revoked_token_signs_nothing_in(client):
    forum = await make_forum()
    user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    row = await ApiToken.objects().where(ApiToken.user == user.id).first()
    await accounts.revoke_token(user, row.id)
    assert (await _press(client, "test-forum", code)).status_code == 403
    assert (await client.get("/checkin/test-forum")).status_code == 303


async def test_the_tokens_page_makes_a_device_link_a_phone_can_open(client, app):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    tokens = html.fromstring((await client.get("/manage/tokens")).text)
    form = tokens.xpath("//form[contains(@action, '/device-link')]")[0]
    assert form.xpath(".//select[@name='forum']/option/@value") == ["test-forum"]
    made = await client.post(
        form.get("action"), data={"forum": "test-forum", "_csrf_token": await csrf_token(client)}
    )
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    doc = html.fromstring(made.text)
    link = doc.get_element_by_id("device-link").text
    assert re.fullmatch(r"https?://[^/]+/checkin/test-forum/device\?code=fmd_[\w-]{22}", link)
    assert doc.xpath("//figure[contains(@class, 'device-qr')]/svg")  # drawn inline (the CSP)
    assert qr.svg(link) in made.text
    row = await ApiToken.objects().first()
    assert row.prefix not in link  # the token is nowhere in the link
    # the phone: another browser
    path = link.split("/", 3)[3]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as phone:
        assert (await phone.get(f"/{path}")).status_code == 200
        code = path.split("code=")[1]
        pressed = await _press(phone, "test-forum", code)
        assert (pressed.status_code, pressed.headers["location"]) == (303, "/checkin/test-forum")
        assert (await phone.get("/checkin/test-forum")).status_code == 200
        assert _sent_to_sign_in(await phone.get("/manage"), "/manage")


async def test_a_device_link_is_made_only_with_ones_own_live_token(client):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    other, _token = await make_user("door", role=Role.STAFF, forum=forum)
    theirs = await ApiToken.objects().where(ApiToken.user == other.id).first()
    await sign_in(client, "org")
    csrf = await csrf_token(client)
    response = await client.post(
        f"/manage/tokens/{theirs.id}/device-link", data={"forum": "test-forum", "_csrf_token": csrf}
    )
    assert response.status_code == 404
    assert await DeviceCode.count() == 0
    nowhere = await client.post(
        f"/manage/tokens/{theirs.id}/device-link", data={"forum": "nowhere", "_csrf_token": csrf}
    )
    assert nowhere.status_code == 404


async def _scan(client, slug: str = "test-forum"):
    headers = {"x-csrftoken": await csrf_token(client), "accept": "application/json"}
    return await client.post(
        f"/api/forums/{slug}/checkins", json={"code": "NOT-A-TICKET", "gate": "A"}, headers=headers
    )


def _sent_to_sign_in(response, path: str) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith(
        f"/login?next={path.replace('/', '%2F')}"
    )


async def test_a_device_link_of_an_organizer_only_checks_people_in(client):
    await open_forum("test-forum")
    _user, token = await make_user(
        "boss", role=Role.ORGANIZER, forum=await forums.get_forum("test-forum")
    )
    # the token itself may do everything the organizer may
    assert (
        await client.get("/api/forums/test-forum/registrations", headers=bearer(token))
    ).status_code == 200
    await _open_device_link(client, token)
    assert (await client.get("/checkin/test-forum")).status_code == 200
    scan = await _scan(client)
    assert (scan.status_code, scan.json()["result"]) == (200, "unknown")
    assert (await client.get("/api/forums/test-forum/checkin-data")).status_code == 200
    for path in (
        "/manage",
        "/manage/tokens",
        "/manage/forums/test-forum",
        "/manage/forums/test-forum/registrations",
        "/manage/forums/test-forum/checkin-dashboard",
    ):
        assert _sent_to_sign_in(await client.get(path), path), path
    api = await client.get(
        "/api/forums/test-forum/registrations", headers={"accept": "application/json"}
    )
    assert (api.status_code, api.json()["error"]) == (401, "unauthorized")
    room = await client.post(
        "/api/forums/test-forum/rooms",
        json={"name": "Hall"},
        headers={"x-csrftoken": await csrf_token(client)},
    )
    assert room.status_code == 401


async def test_a_device_link_does_not_scan_at_another_forum(client):
    forum = await open_forum("test-forum")
    other = await open_forum("other-forum")
    user, token = await make_user("door", role=Role.STAFF, forum=forum)
    await forums.grant(other, user, Role.STAFF)
    await _open_device_link(client, token)
    assert (await _scan(client)).status_code == 200
    assert _sent_to_sign_in(await client.get("/checkin/other-forum"), "/checkin/other-forum")
    assert (await _scan(client, "other-forum")).status_code == 401
    # with a second link, this browser becomes the other forum's scanner instead
    await _open_device_link(client, token, "other-forum")
    assert (await _scan(client, "other-forum")).status_code == 200
    assert (await _scan(client)).status_code == 401


async def test_a_device_stops_when_its_token_is_revoked(client):
    forum = await open_forum("test-forum")
    user, token = await make_user("door", role=Role.STAFF, forum=forum)
    await _open_device_link(client, token)
    assert (await client.get("/checkin/test-forum")).status_code == 200
    row = await ApiToken.objects().where(ApiToken.user == user.id).first()
    await accounts.revoke_token(user, row.id)  # clears this worker's memory of tokens
    assert _sent_to_sign_in(await client.get("/checkin/test-forum"), "/checkin/test-forum")
    assert (await _scan(client)).status_code == 401


async def test_a_device_link_replaces_the_browsers_session(client):
    forum = await open_forum("test-forum")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    _door, token = await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "org")
    signed_in = client.cookies["session"]
    await _open_device_link(client, token)
    assert client.cookies["session"] != signed_in
    assert _sent_to_sign_in(await client.get("/manage"), "/manage")
    client.cookies.set("session", signed_in, domain="test.local")
    assert _sent_to_sign_in(await client.get("/manage"), "/manage")


async def test_a_device_keeps_to_its_forum_even_when_another_takes_the_slug(client):
    first = await open_forum("test-forum")
    user, token = await make_user("door", role=Role.STAFF, forum=first)
    await _open_device_link(client, token)
    await Forum.update({Forum.slug: "renamed"}).where(Forum.id == first.id)
    second = await open_forum("test-forum")
    await forums.grant(second, user, Role.STAFF)
    page = await client.get("/checkin/test-forum")
    assert page.status_code == 403
    assert "A check-in device may only check people in at its forum." in page.text
    scan = await _scan(client)
    assert (scan.status_code, scan.json()["error"]) == (403, "forbidden")
