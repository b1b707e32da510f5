"""Retention: each forum's period, set in its settings, applied by the server's worker and
by `forum-mgmt privacy apply`."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.privacy import services as privacy
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_user
from tests.registration.helpers import person

TZ = "Asia/Taipei"


async def _ended(slug: str, days_ago: int, retention_days: int) -> Forum:
    day = time.today(TZ) - dt.timedelta(days=days_ago)
    forum = await make_forum(slug)  # open for sign-up, then moved into the past
    await registration.register(forum, person(1, email=f"one@{slug}.example"))
    await Forum.update(
        {Forum.starts_on: day, Forum.ends_on: day, Forum.retention_days: retention_days}
    ).where(Forum.id == forum.id)
    return await Forum.objects().where(Forum.id == forum.id).first()


async def _holding(forum: Forum) -> int:
    return await privacy.personal_count(forum)


async def test_retention_starts_the_day_after_the_period_in_the_forums_zone():
    forum = await _ended("ten", days_ago=10, retention_days=9)
    kept = await _ended("keep", days_ago=10, retention_days=10)
    end = privacy.retention_ends(forum)
    assert end == dt.datetime.combine(
        time.today(TZ), dt.time(0), tzinfo=dt.timezone(dt.timedelta(hours=8))
    )

    assert await privacy.apply_retention(now=end - dt.timedelta(seconds=1)) == []
    done = await privacy.apply_retention(now=end)

    assert [(f.slug, n) for f, n in done] == [("ten", 1)]
    assert (await _holding(forum), await _holding(kept)) == (0, 1)
    assert await privacy.apply_retention(now=end) == []  # idempotent


async def test_the_default_keeps_data_for_90_days():
    forum = await make_forum("new")
    assert forum.retention_days == 90
    assert await _ended("old", days_ago=91, retention_days=90)
    assert [f.slug for f, _n in await privacy.apply_retention()] == ["old"]


async def test_the_worker_applies_retention_unless_switched_off(monkeypatch):
    forum = await _ended("due", days_ago=1, retention_days=0)
    monkeypatch.setenv("PRIVACY_WORKER", "off")
    await privacy.start_worker()
    assert privacy._task is None
    monkeypatch.setenv("PRIVACY_WORKER", "on")
    await privacy.start_worker()
    try:
        for _ in range(100):  # bounded: the first run starts at once
            if not await _holding(forum):
                break
            await asyncio.sleep(0.05)
    finally:
        await privacy.stop_worker()
    assert await _holding(forum) == 0
    assert privacy._task is None


async def test_retention_days_through_the_api(client):
    forum = await make_forum("api")
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    got = await client.get("/api/forums/api", headers=bearer(token))
    assert got.json()["retention_days"] == 90
    patched = await client.patch(
        "/api/forums/api", json={"retention_days": 30}, headers=bearer(token)
    )
    assert (patched.status_code, patched.json()["retention_days"]) == (200, 30)
    assert (await Forum.objects().where(Forum.slug == "api").first()).retention_days == 30


@pytest.mark.parametrize("days", [-1, 3651, "soon"])
async def test_retention_days_out_of_range_is_refused(client, days):
    forum = await make_forum("api")
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    patched = await client.patch(
        "/api/forums/api", json={"retention_days": days}, headers=bearer(token)
    )
    assert patched.status_code in (400, 422)
    assert "retention_days" in patched.text


async def test_retention_days_in_the_settings_form(client):
    forum = await make_forum("form")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/form")
    assert 'name="retention_days"' in page.text and 'value="90"' in page.text
    form = {
        "_csrf_token": await csrf_token(client),
        "name": "Test Forum",
        "starts_on": forum.starts_on.isoformat(),
        "ends_on": forum.ends_on.isoformat(),
        "timezone": TZ,
        "capacity": "0",
        "retention_days": "14",
    }
    saved = await client.post("/manage/forums/form", data=form)
    assert saved.status_code == 303
    assert (await Forum.objects().where(Forum.slug == "form").first()).retention_days == 14
    refused = await client.post("/manage/forums/form", data={**form, "retention_days": "-3"})
    assert refused.status_code == 422
    assert "out of range" in refused.text


async def test_the_privacy_page_says_when_data_goes(client):
    forum = await _ended("gone", days_ago=3, retention_days=30)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/gone/privacy")
    assert page.status_code == 200
    assert "30 days after its last day" in page.text
    assert "1 registration still holds personal data." in page.text
    assert await Registration.count() == 1
