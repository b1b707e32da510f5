"""Browser security headers on every kind of response (core/headers.py)."""

from __future__ import annotations

import re

import httpx
import pytest

from forum_mgmt.core.settings import ROOT, get_settings
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from tests.checkin.helpers import device_code
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_session, make_user
from tests.registration.helpers import person

CSP = (
    "default-src 'self'; img-src 'self' https:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
NO_FEATURES = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
CAMERA = NO_FEATURES.replace("camera=()", "camera=(self)")
NAMES = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
    "cache-control",
    "strict-transport-security",
]


def security(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in NAMES}


def expected(
    *, referrer="strict-origin-when-cross-origin", permissions=NO_FEATURES, cache=None, hsts=None
) -> dict[str, str | None]:
    values = [CSP, "nosniff", referrer, permissions, cache, hsts]
    return dict(zip(NAMES, values, strict=True))


PRIVATE_LINK = {"referrer": "no-referrer", "cache": "no-store"}


async def test_public_pages_may_not_be_framed_and_keep_their_caching(client):
    forum = await make_forum()
    session = await make_session(forum, "Opening")
    agenda = await client.get("/forums/test-forum/agenda")
    assert agenda.status_code == 200
    assert security(agenda) == expected(cache=agenda.headers.get("cache-control"))
    page = await client.get(f"/forums/test-forum/sessions/{session.id}")
    assert security(page) == expected(cache=page.headers.get("cache-control"))
    feed = await client.get("/forums/test-forum/agenda.ics")  # a public export, as it was
    assert security(feed) == expected(cache="public, max-age=300")


async def test_a_304_carries_only_what_refreshes_the_stored_copy(client):
    """RFC 9110 15.4.5: the stored 200 keeps its CSP and the rest; a revalidation (feeds and
    pages are revalidated far more often than fetched) repeats only its validators."""
    await make_session(await make_forum(), "Opening")
    for path in ["/forums/test-forum/agenda.ics", "/forums/test-forum/agenda"]:
        full = await client.get(path)
        assert full.headers["content-security-policy"] == CSP
        again = await client.get(path, headers={"if-none-match": full.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["etag"] == full.headers["etag"]
        assert again.headers["cache-control"] == full.headers["cache-control"]
        assert again.headers["vary"] == full.headers["vary"]
        assert "content-security-policy" not in again.headers
        assert "permissions-policy" not in again.headers
        assert "set-cookie" not in again.headers


async def test_ticket_pages_and_files_are_never_stored_nor_named_to_others(client):
    forum = await make_forum()
    token = (await registration.register(forum, person(1))).registration.token
    for path in ["", "/cancel", "/qr.svg", "/qr.png", "/ticket.pdf"]:
        response = await client.get(f"/tickets/{token}{path}")
        assert (path, response.status_code) == (path, 200)
        assert security(response) == expected(**PRIVATE_LINK)
    # the personal feed hides its address too, and its owner's calendar app may keep it
    feed = await client.get(f"/tickets/{token}/agenda.ics")
    assert security(feed) == expected(referrer="no-referrer", cache="private, max-age=300")
    api = await client.get(f"/api/tickets/{token}", headers={"accept": "application/json"})
    assert security(api) == expected(**PRIVATE_LINK)


async def test_the_workspace_the_scanner_and_sign_in_are_never_stored(client):
    forum = await make_forum()
    assert security(await client.get("/login")) == expected(cache="no-store")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    for path in ["/manage", "/manage/forums/test-forum/agenda", "/manage/tokens"]:
        response = await client.get(path)
        assert (path, response.status_code) == (path, 200)
        assert security(response) == expected(cache="no-store")
    css = await client.get("/manage/forums/test-forum/tracks.css")
    assert security(css) == expected(cache="no-store")


async def test_only_the_scanner_may_use_the_camera(client):
    forum = await make_forum()
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    code = await device_code(token, "test-forum")
    link = await client.get(f"/checkin/test-forum/device?code={code}")
    assert link.status_code == 200
    assert security(link) == expected(**PRIVATE_LINK)
    pressed = await client.post(
        "/checkin/test-forum/device", data={"code": code, "_csrf_token": await csrf_token(client)}
    )
    assert pressed.status_code == 303
    assert security(pressed) == expected(**PRIVATE_LINK)
    scanner = await client.get("/checkin/test-forum")
    assert scanner.status_code == 200
    assert security(scanner) == expected(permissions=CAMERA, **PRIVATE_LINK)
    refused = await client.get("/checkin/test-forum/device?code=fmd_wrong")
    assert refused.status_code == 404
    assert security(refused) == expected(**PRIVATE_LINK)
    data = await client.get(
        "/api/forums/test-forum/checkin-data", headers={"accept": "application/json"}
    )
    assert data.status_code == 200
    assert security(data) == expected(cache="no-store")


async def test_only_the_scanners_service_worker_may_serve_the_scanner(client):
    worker = await client.get("/static/checkin-sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/checkin/"
    assert "service-worker-allowed" not in (await client.get("/static/checkin.js")).headers


async def test_static_files_api_answers_and_errors_carry_them_too(client):
    await make_forum()
    static = await client.get("/static/site.css")
    assert static.status_code == 200
    assert security(static) == expected(cache=static.headers.get("cache-control"))
    api = await client.get("/api/forums/test-forum", headers={"accept": "application/json"})
    assert (api.status_code, api.headers["content-type"]) == (200, "application/json")
    assert security(api) == expected(cache=api.headers.get("cache-control"))
    for path in ["/no/such/page", "/api/no-such-thing", "/forums/missing/agenda"]:
        missing = await client.get(path)
        assert (path, missing.status_code) == (path, 404)
        assert security(missing) == expected()
    wrong_method = await client.delete("/login")
    assert wrong_method.status_code == 405
    assert security(wrong_method) == expected(cache="no-store")


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("FORUM_MGMT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-secret-for-this-test-only")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_hsts_only_in_production(production):
    from forum_mgmt.app import create_app

    await make_forum()
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
        for path in ["/forums/test-forum", "/static/site.css", "/nowhere"]:
            response = await client.get(path)
            assert response.headers["strict-transport-security"] == (
                "max-age=31536000; includeSubDomains"
            )


# A script or style written into a page would be refused by the CSP above.
_INLINE = [
    re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    re.compile(r"<style\b"),
    re.compile(r"\son[a-z]+\s*="),
    re.compile(r"\sstyle\s*="),
    re.compile(r"\shx-on"),
    re.compile(r"javascript:"),
]


def test_no_template_of_a_page_has_inline_script_or_style():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path.parent.name == "mail":  # mail is read in mail programs, not under our CSP
            continue
        text = path.read_text()
        found += [f"{path.name}: {m.group(0)}" for p in _INLINE for m in p.finditer(text)]
    assert found == []
