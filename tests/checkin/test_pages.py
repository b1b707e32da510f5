"""/checkin/{slug}: the scanner page for staff, and the device link that signs a phone in."""

import json

from lxml import html

from forum_mgmt.forums.tables import Role
from tests.conftest import sign_in
from tests.factories import make_forum, make_session, make_user


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


async def test_a_device_link_signs_the_browser_in(client):
    forum = await make_forum()
    _user, token = await make_user("phone", role=Role.STAFF, forum=forum)
    response = await client.get(f"/checkin/test-forum/device?token={token}")
    assert response.status_code == 303
    assert response.headers["location"] == "/checkin/test-forum"
    page = await client.get("/checkin/test-forum")
    assert page.status_code == 200


async def test_a_bad_device_link_is_a_friendly_401(client):
    forum = await make_forum()
    await make_user("phone", role=Role.STAFF, forum=forum)
    response = await client.get("/checkin/test-forum/device?token=fm_not-a-token")
    assert response.status_code == 401
    assert "device link" in response.text
    assert (await client.get("/checkin/test-forum")).status_code == 303
    missing = await client.get("/checkin/test-forum/device")
    assert missing.status_code == 401


async def test_a_device_link_of_someone_without_rights_here_is_refused(client):
    await make_forum()
    other = await make_forum("other-forum")
    _user, token = await make_user("elsewhere", role=Role.STAFF, forum=other)
    response = await client.get(f"/checkin/test-forum/device?token={token}")
    assert response.status_code == 403
    assert (await client.get("/checkin/test-forum")).status_code == 303
