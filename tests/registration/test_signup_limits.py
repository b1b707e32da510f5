"""Sign-ups per client address and hour: a per-forum ceiling, counted atomically."""

from __future__ import annotations

import asyncio

from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_user
from tests.registration.helpers import body

API = "/api/forums/test-forum/registrations"
FORM = "/forums/test-forum/register"


async def test_api_refuses_signups_over_the_limit_with_429_and_retry_after(client):
    forum = await make_forum(signup_limit_per_address=3)
    answers = [await client.post(API, json=body(i)) for i in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    refused = answers[3]
    assert refused.json()["error"] == "too_many_signups"
    assert refused.json()["message"] == (
        "Too many sign-ups have come from your network address. Please try again in 60 minutes."
    )
    assert 3590 <= int(refused.headers["retry-after"]) <= 3600
    assert await Registration.count().where(Registration.forum == forum.id) == 3


async def test_form_refuses_signups_over_the_limit_in_the_readers_language(client):
    await make_forum(signup_limit_per_address=1)
    token = await csrf_token(client)
    first = await client.post(FORM, data={**body(1), "consent": "on", "_csrf_token": token})
    assert first.status_code == 303
    form = {**body(2), "consent": "on", "_csrf_token": token}
    second = await client.post(f"{FORM}?lang=zh-TW", data=form)
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) > 0
    assert "您的網路位址送出的報名次數過多" in second.text
    assert 'value="Person 2"' in second.text  # what was typed stays in the form
    assert await Registration.count() == 1


async def test_parallel_signups_from_one_address_never_pass_the_limit(client):
    await make_forum(signup_limit_per_address=5)
    answers = await asyncio.gather(*(client.post(API, json=body(i)) for i in range(12)))
    assert sorted(a.status_code for a in answers) == [201] * 5 + [429] * 7
    assert await Registration.count() == 5


async def test_limit_zero_turns_it_off_and_each_forum_counts_its_own(client):
    await make_forum(signup_limit_per_address=0)
    await make_forum("other", signup_limit_per_address=1)
    answers = [await client.post(API, json=body(i)) for i in range(25)]
    assert {a.status_code for a in answers} == {201}
    other = "/api/forums/other/registrations"
    assert (await client.post(other, json=body(1))).status_code == 201
    assert (await client.post(other, json=body(2))).status_code == 429


async def test_bad_input_counts_nothing_and_the_organizer_is_never_limited(client):
    forum = await make_forum(signup_limit_per_address=1)
    for _ in range(3):
        assert (await client.post(API, json=body(1, email="bad"))).status_code == 422
    assert (await client.post(API, json=body(1))).status_code == 201
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    for i in (2, 3):
        form = {**body(i), "consent": "on", "_csrf_token": token}
        added = await client.post("/manage/forums/test-forum/registrations/new", data=form)
        assert added.status_code == 303
    assert await Registration.count() == 3


async def test_forum_api_and_settings_form_set_the_limit_and_confirmation(client):
    forum = await make_forum()
    _user, api_token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    shown = (await client.get("/api/forums/test-forum", headers=bearer(api_token))).json()
    assert (shown["signup_limit_per_address"], shown["confirm_email"]) == (20, False)
    changed = await client.patch(
        "/api/forums/test-forum",
        json={"signup_limit_per_address": 0, "confirm_email": True},
        headers=bearer(api_token),
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["signup_limit_per_address"], changed.json()["confirm_email"]) == (
        0,
        True,
    )
    bad = await client.patch(
        "/api/forums/test-forum", json={"signup_limit_per_address": -1}, headers=bearer(api_token)
    )
    assert bad.status_code == 400
    assert "signup_limit_per_address" in bad.text
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum")
    assert 'name="signup_limit_per_address"' in page.text and 'value="0"' in page.text
    assert 'name="confirm_email" type="checkbox" value="on" checked' in page.text
    token = await csrf_token(client)
    form = {
        "name": "Test Forum",
        "starts_on": forum.starts_on.isoformat(),
        "ends_on": forum.ends_on.isoformat(),
        "timezone": forum.timezone,
        "waitlist": "on",
        "signup_limit_per_address": "50",
        "_csrf_token": token,
    }
    saved = await client.post("/manage/forums/test-forum", data=form)
    assert saved.status_code == 303, saved.text
    row = await Forum.objects().get(Forum.id == forum.id)
    assert (row.signup_limit_per_address, row.confirm_email) == (50, False)
