"""Public, cacheable responses never set a cookie (issue 17).

Every GET route of the app, walked as a visitor with no cookies on the demo forum, then
revalidated (If-None-Match / If-Modified-Since) wherever it gave a validator: a response a
shared cache may keep (Cache-Control public or max-age > 0 without private or no-store, a
304, a static file) sets no cookie. The CSRF cookie goes only with a page that carries the
token in a form, or the route stars.js asks before it posts; whatever sets a cookie says
`private` or `no-store`. Routes are read from the app: a new one cannot be forgotten.
"""

from __future__ import annotations

import re

import httpx
from litestar.routes import HTTPRoute

from forum_mgmt import demo
from forum_mgmt.agenda.tables import AgendaSession, Speaker
from forum_mgmt.core import assets
from forum_mgmt.invitations.tables import GroupCode
from forum_mgmt.notices import services as notices
from tests.conftest import sign_in
from tests.invitations.helpers import links as invitation_links
from tests.test_languages import _world

SLUG = demo.SLUG
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# every static file, by its plain and by its fingerprinted name
STATIC = sorted(name for pair in assets.current().manifest().items() for name in pair)


def directives(response: httpx.Response) -> dict[str, str]:
    value = response.headers.get("cache-control", "")
    pairs = (d.strip().partition("=") for d in value.split(",") if d.strip())
    return {name.lower(): arg for name, _eq, arg in pairs}


def shared(response: httpx.Response) -> bool:
    """Whether a shared cache (a CDN, the proxy) may keep this response."""
    if response.status_code == 304 or response.url.path.startswith("/static/"):
        return True
    cache = directives(response)
    if {"private", "no-store"} & cache.keys():
        return False
    ages = [cache.get("max-age", "0"), cache.get("s-maxage", "0")]
    return "public" in cache or any(a.isdigit() and int(a) > 0 for a in ages)


async def _values(forum, reg) -> dict[str, list[str]]:
    """Path parameters of the demo forum, by name (a route may need its own, below)."""
    sessions = await AgendaSession.select(AgendaSession.id).where(AgendaSession.forum == forum.id)
    speaker = await Speaker.select(Speaker.id).where(Speaker.forum == forum.id).first()
    code = await GroupCode.objects().where(GroupCode.forum == forum.id).first()
    guest = (await invitation_links("guest@example.org"))["guest@example.org"]
    opt_out = notices.opt_out_url(forum, notices.Person("r", reg.id)).split("/", 3)[3]
    assert sessions and speaker and code
    return {
        "slug": [SLUG],
        "ref": [str(sessions[0]["id"]), f"{sessions[0]['id']}.ics"],
        "speaker_id": [str(speaker["id"])],
        "code": [code.code, "not-a-code"],
        "file_path": STATIC,
        "path": ["openapi.json"],
        # per route: the ticket's own, a guest's invitation, the notices' signed address
        "/tickets/": [reg.token],
        "/invitations/": [guest],
        "/notices/": ["/" + opt_out],
    }


def _urls(app, values: dict[str, list[str]]) -> list[str]:
    urls: list[str] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        path = route.path
        if path.startswith("/notices/"):
            urls += values["/notices/"]
            continue
        prefix = next((p for p in ("/tickets/", "/invitations/") if path.startswith(p)), "")
        filled = [path]
        for name in PARAM.findall(path):
            options = values[prefix] if prefix and name == "token" else values.get(name, ["1"])
            slot = re.compile(r"\{" + name + r"(?::\w+)?\}")
            filled = [slot.sub(lambda _m, o=o: o, url) for url in filled for o in options]
        urls += filled
    # a filter of the agenda and its feed
    return [*urls, f"/forums/{SLUG}/agenda?room=1", f"/forums/{SLUG}/agenda.ics?room=1"]


def _check(response: httpx.Response, found: list[str]) -> None:
    url = response.url.path
    cookies = response.headers.get_list("set-cookie")
    if not cookies:
        return
    names = {c.split("=", 1)[0] for c in cookies}
    cache = directives(response)
    if shared(response):
        found.append(f"{response.status_code} {url}: {names} on a shareable response")
    elif not {"private", "no-store"} & cache.keys():
        found.append(f"{url}: {names} without private or no-store")
    form = 'name="_csrf_token"' in response.text
    if "csrftoken" in names and not (form or url.endswith("/my-stars")):
        found.append(f"{url}: the CSRF cookie on a page with no form")
    if names - {"csrftoken"} and not url.startswith("/tickets/"):
        found.append(f"{url}: {names - {'csrftoken'}} for a visitor")


async def test_no_cacheable_response_sets_a_cookie(app, monkeypatch):
    values = await _values(*await _world(monkeypatch))
    urls = _urls(app, values)
    assert f"/forums/{SLUG}/agenda.ics" in urls and "/static/checkin-sw.js" in urls
    found: list[str] = []
    answered: dict[str, int] = {}
    transport = httpx.ASGITransport(app=app)
    for accept in ("text/html", "application/json"):
        for url in urls:
            # a new visitor each time: no cookie of any kind
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as visitor:
                headers = {"accept": accept, "accept-encoding": "gzip"}
                first = await visitor.get(url, headers=headers)
                assert first.status_code < 500, (url, first.status_code)
                answered[url] = first.status_code
                _check(first, found)
                again = {}
                if etag := first.headers.get("etag"):
                    again["if-none-match"] = etag
                if modified := first.headers.get("last-modified"):
                    again["if-modified-since"] = modified
                if again:
                    visitor.cookies.clear()
                    second = await visitor.get(url, headers={**headers, **again})
                    _check(second, found)
    assert found == []
    # the walk reached the public reads: not a walk of 404s
    for url in (f"/forums/{SLUG}/agenda", f"/forums/{SLUG}/agenda.ics", "/healthz", "/login"):
        assert answered[url] == 200, url
    assert answered["/static/site.css"] == 200


async def test_pages_with_a_form_give_the_token_privately(client, monkeypatch):
    """Sign-in, registration: the form's CSRF cookie comes with the page, which no shared
    cache keeps; and the forms work with it."""
    await _world(monkeypatch)
    for url in ("/login", f"/forums/{SLUG}/register"):
        client.cookies.clear()
        page = await client.get(url)
        assert page.status_code == 200
        assert "csrftoken" in page.cookies
        assert {"private", "no-store"} & directives(page).keys()
    client.cookies.clear()
    assert (await sign_in(client, demo.ORGANIZER)).status_code == 303


async def test_a_write_is_still_checked(client, monkeypatch):
    await _world(monkeypatch)
    page = await client.get(f"/forums/{SLUG}/agenda")
    assert page.status_code == 200 and "csrftoken" not in client.cookies
    refused = await client.post("/login", data={"username": demo.ORGANIZER, "password": "x"})
    assert refused.status_code == 403
    client.cookies.set("csrftoken", "b" * 128)
    forged = await client.post(
        "/login", data={"username": demo.ORGANIZER, "password": "x", "_csrf_token": "a" * 128}
    )
    assert forged.status_code == 403


async def test_stars_get_their_token_from_their_own_route(client, monkeypatch):
    await _world(monkeypatch)
    stars = await client.get(f"/forums/{SLUG}/my-stars", headers={"accept": "application/json"})
    assert stars.status_code == 200 and "csrftoken" in stars.cookies
    assert "no-store" in directives(stars)


async def test_a_chosen_language_is_remembered_privately(client, monkeypatch):
    await _world(monkeypatch)
    page = await client.get(f"/forums/{SLUG}/agenda?lang=zh-TW")
    assert "lang" in page.cookies
    assert "private" in directives(page) and "public" not in directives(page)
    again = await client.get(f"/forums/{SLUG}/agenda?lang=zh-TW")  # remembered: set once
    assert again.headers.get_list("set-cookie") == []


async def test_a_signed_in_persons_cookie_is_never_shared(client, monkeypatch):
    await _world(monkeypatch)
    assert (await sign_in(client, demo.ORGANIZER)).status_code == 303
    feed = await client.get(f"/forums/{SLUG}/agenda.ics")  # public for a visitor
    assert feed.status_code == 200
    assert "session" in feed.cookies  # the session's cookie, renewed
    assert not shared(feed) and "private" in directives(feed)
