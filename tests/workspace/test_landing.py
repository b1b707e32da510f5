"""Where sign-in lands each kind of person, and menus that offer only what they may open.

Each person signs in with no `next`, lands where forums.services.home_for says, then follows
every link of every workspace and scanner page they reach (breadth first, bounded): none may
answer 403 or send them back to sign in.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import html

from forum_mgmt.core import time
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Role
from tests.checkin.helpers import device_code
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, make_forum, make_room, make_session, make_user, spelled

TZ = "Asia/Taipei"
MAX_PAGES = 250


async def _world() -> dict[str, str]:
    """Three forums (two open for check-in today, one in a month) and a person of each
    kind; returns {username: API token secret}."""
    today = time.today(TZ)
    open_a = await make_forum("open-a", starts_on=today, ends_on=today)
    open_b = await make_forum("open-b", starts_on=today, ends_on=today, name="Second Forum")
    later = await make_forum("later", starts_on=DAY, ends_on=DAY, publish=False)
    room = await make_room(open_a)
    await make_session(open_a, "Opening", day=today, room=room)
    org = await forums.ensure_organisation("test-org", name="Test Org")
    secrets = {}
    _user, secrets["root"] = await make_user("root", admin=True)
    user, secrets["organizer"] = await make_user("organizer", role=Role.ORGANIZER, forum=open_a)
    await forums.join(org, user, Role.ORGANIZER)
    _user, secrets["solo"] = await make_user("solo", role=Role.STAFF, forum=open_a)
    user, secrets["multi"] = await make_user("multi", role=Role.STAFF, forum=open_a)
    await forums.grant(open_b, user, Role.STAFF)
    user, secrets["mixed"] = await make_user("mixed", role=Role.STAFF, forum=open_a)
    await forums.grant(later, user, Role.STAFF)
    _user, secrets["early"] = await make_user("early", role=Role.STAFF, forum=later)
    user, secrets["both"] = await make_user("both", role=Role.ORGANIZER, forum=later)
    await forums.grant(open_a, user, Role.STAFF)
    _user, secrets["nobody"] = await make_user("nobody")
    return secrets


LANDINGS = {
    "root": "/manage",
    "organizer": "/manage",
    "solo": "/checkin/open-a",  # staff of one forum whose check-in is open
    "mixed": "/checkin/open-a",  # staff of two, check-in open at one
    "multi": "/checkin",  # check-in open at two: the list of scanners
    "early": "/checkin",  # check-in not open yet
    "both": "/manage",  # organizes a forum: the workspace first
    "nobody": "/manage",
}


def _links(page: httpx.Response) -> list[str]:
    """The site's own links on a page (no language switches: the same page again)."""
    found = []
    for href in html.fromstring(page.text).xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if "lang=" in parts.query or parts.path.startswith("/static/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


async def _walk(client: httpx.AsyncClient, start: str) -> dict[str, int]:
    """Every link reachable from `start` through workspace and scanner pages: url -> status.
    Public pages are opened, not walked (their links are the public site's)."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = await client.get(url)
        status = response.status_code
        if status in (301, 302, 303, 307) and response.headers["location"].startswith("/login"):
            status = 401  # sent to sign in: the link is not for this person
        seen[url] = status
        walkable = url.split("?")[0].startswith(("/manage", "/checkin")) or url == start
        if status == 200 and walkable and "text/html" in response.headers["content-type"]:
            queue.extend(link for link in _links(response) if link not in seen)
    assert len(seen) < MAX_PAGES, "the walk did not end: raise MAX_PAGES"
    return seen


@pytest.mark.parametrize("username", sorted(LANDINGS))
async def test_sign_in_lands_each_person_where_home_for_says(client, username):
    await _world()
    response = await sign_in(client, username)
    assert response.status_code == 303
    assert response.headers["location"] == LANDINGS[username]
    user = await forums.BaseUser.objects().get(forums.BaseUser.username == username)
    assert await forums.home_for(user) == LANDINGS[username]


@pytest.mark.parametrize("username", sorted(LANDINGS))
async def test_every_link_a_person_is_shown_opens(client, username):
    await _world()
    landing = (await sign_in(client, username)).headers["location"]
    seen = await _walk(client, landing)
    refused = {url: status for url, status in seen.items() if status in (401, 403)}
    assert refused == {}
    assert all(status < 500 for status in seen.values()), seen
    assert seen[landing] == 200


async def test_staff_see_their_scanners_and_no_organizer_pages(client):
    await _world()
    await sign_in(client, "multi")
    seen = await _walk(client, "/checkin")
    assert {"/checkin/open-a", "/checkin/open-b", "/manage", "/manage/tokens"} <= set(seen)
    assert not [url for url in seen if url.startswith("/manage/forums/")]
    scanners = await client.get("/checkin")
    assert scanners.text.count("Check-in is open") == 2
    mine = await client.get("/manage")
    assert 'href="/checkin/open-a"' in mine.text and 'href="/checkin/open-b"' in mine.text
    assert "Agenda builder" not in mine.text


async def test_a_staff_member_sees_when_check_in_opens(client):
    await _world()
    await sign_in(client, "early")
    page = await client.get("/checkin")
    opens = spelled(DAY - dt.timedelta(days=1), "long")  # "5 January 2027"
    assert f"Check-in opens on {opens}" in page.text


async def test_a_device_session_has_no_way_out_of_its_scanner(app, client):
    secrets = await _world()
    code = await device_code(secrets["solo"], "open-a")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"accept": "text/html"},
    ) as phone:
        token = await csrf_token(phone)
        response = await phone.post(
            "/checkin/open-a/device", data={"code": code, "_csrf_token": token}
        )
        assert response.headers["location"] == "/checkin/open-a"
        scanner = await phone.get("/checkin/open-a")
        assert scanner.status_code == 200
        assert "Workspace" not in scanner.text and 'href="/manage"' not in scanner.text
        seen = await _walk(phone, "/checkin/open-a")
        assert {url: s for url, s in seen.items() if s in (401, 403)} == {}
    # the person behind the token, signed in with a password, does get the way back
    await sign_in(client, "solo")
    assert 'href="/manage"' in (await client.get("/checkin/open-a")).text
