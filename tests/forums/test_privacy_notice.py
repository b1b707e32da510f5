"""A forum's privacy notice: the default text, versions saved by organizers, the public page,
and the version each registration accepted (kept through every later edit)."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

from forum_mgmt.forums.tables import PrivacyNotice, Role
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, bearer, make_forum, make_user
from tests.registration.helpers import body


def _text(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


async def _organizer(client, forum):
    _user, secret = await make_user("org", role=Role.ORGANIZER, forum=forum)
    assert (await sign_in(client, "org")).status_code == 303
    return secret


async def _save(client, text: str, text_local: str = ""):
    return await client.post(
        "/manage/forums/test-forum/privacy-notice",
        data={"text": text, "text_local": text_local, "_csrf_token": await csrf_token(client)},
    )


async def test_default_notice_names_holder_purpose_period_and_contact(client):
    await make_forum(contact_email="privacy@tfcf.example", ends_on=DAY)
    until = (DAY + dt.timedelta(days=90)).isoformat()
    page = await client.get("/forums/test-forum/privacy?lang=en")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Test Org, which organises the forum" in text
    assert "registration, your ticket, the check-in at the door" in text
    assert "until 90 days after the forum's last day" in text
    assert "privacy@tfcf.example" in text
    assert "The standard notice of this forum." in text
    assert until not in text  # dates are spelled out, in the reader's language
    zh = _text((await client.get("/forums/test-forum/privacy?lang=zh-TW")).text)
    assert "測試組織" in zh and "privacy@tfcf.example" in zh and "90" in zh
    assert "個人資料" in zh


async def test_a_draft_forums_notice_is_not_public(client):
    await make_forum(publish=False)
    assert (await client.get("/forums/test-forum/privacy")).status_code == 404


async def test_each_save_is_a_new_version_and_the_newest_is_public(client):
    forum = await make_forum()
    await _organizer(client, forum)
    form = await client.get("/manage/forums/test-forum/privacy-notice")
    assert form.status_code == 200 and "Test Org" in form.text  # prefilled with the default
    first = await _save(client, "Notice one NOTICE-MARK-1", "通知一")
    assert first.status_code == 303
    assert (await _save(client, "Notice one NOTICE-MARK-1", "通知一")).status_code == 303
    assert (
        await _save(client, "Notice two NOTICE-MARK-2\r\n\r\nSecond paragraph")
    ).status_code == 303
    rows = await PrivacyNotice.select(PrivacyNotice.version, PrivacyNotice.text).order_by(
        PrivacyNotice.version
    )
    assert rows == [
        {"version": 1, "text": "Notice one NOTICE-MARK-1"},  # the same text twice: one version
        {"version": 2, "text": "Notice two NOTICE-MARK-2\n\nSecond paragraph"},
    ]
    page = await client.get("/forums/test-forum/privacy?lang=en")
    assert "NOTICE-MARK-2" in page.text and "NOTICE-MARK-1" not in page.text
    assert "<p>Second paragraph</p>" in page.text
    assert "Version 2 of" in page.text
    # the Chinese reader gets the English text when version 2 has no Chinese
    assert "NOTICE-MARK-2" in (await client.get("/forums/test-forum/privacy?lang=zh-TW")).text


async def test_an_empty_notice_is_refused_with_a_message(client):
    forum = await make_forum()
    await _organizer(client, forum)
    refused = await _save(client, "   ", "中文")
    assert refused.status_code == 422
    assert "Write the notice." in refused.text
    assert await PrivacyNotice.count() == 0


async def test_registration_keeps_the_version_accepted_and_links_to_the_notice(client):
    forum = await make_forum()
    form = await client.get("/forums/test-forum/register")
    assert 'href="/forums/test-forum/privacy"' in form.text
    before = await client.post("/api/forums/test-forum/registrations", json=body(1))
    assert before.status_code == 201
    await _organizer(client, forum)
    await _save(client, "The organizers' own notice")
    client.cookies.clear()
    after = await client.post("/api/forums/test-forum/registrations", json=body(2))
    rows = await Registration.select(
        Registration.email, Registration.consent_version, Registration.consented_at
    ).order_by(Registration.id)
    assert [(r["email"], r["consent_version"]) for r in rows] == [
        ("person1@example.org", 0),
        ("person2@example.org", 1),
    ]
    assert after.status_code == 201
    assert all(r["consented_at"] is not None for r in rows)


async def test_editing_a_registration_never_resets_its_consent(client):
    forum = await make_forum()
    created = (await client.post("/api/forums/test-forum/registrations", json=body(1))).json()
    token = created["manage_url"].rsplit("/", 1)[-1]
    before = await Registration.objects().where(Registration.id == created["id"]).first()
    # the attendee edits on the ticket page (a form with no consent box)
    own = await client.post(
        f"/tickets/{token}",
        data={"name": "Renamed", "country": "TW", "_csrf_token": await csrf_token(client)},
    )
    assert own.status_code == 303
    # an organizer edits, after a new notice version exists
    await _organizer(client, forum)
    await _save(client, "A newer notice")
    edited = await client.post(
        f"/manage/forums/test-forum/registrations/{created['id']}",
        data={"name": "Renamed again", "country": "JP", "_csrf_token": await csrf_token(client)},
    )
    assert edited.status_code == 303
    after = await Registration.objects().where(Registration.id == created["id"]).first()
    assert after.name == "Renamed again"
    assert (after.consent, after.consent_version, after.consented_at) == (
        True,
        0,
        before.consented_at,
    )
    page = await client.get(f"/manage/forums/test-forum/registrations/{created['id']}")
    assert 'data-consent-version="0"' in page.text


async def test_contact_email_is_a_forum_setting(client):
    forum = await make_forum()
    secret = await _organizer(client, forum)
    patched = await client.patch(
        "/api/forums/test-forum", json={"contact_email": "dpo@ngo.example"}, headers=bearer(secret)
    )
    assert patched.status_code == 200
    assert patched.json()["contact_email"] == "dpo@ngo.example"
    assert "dpo@ngo.example" in (await client.get("/forums/test-forum/privacy")).text
    bad = await client.patch(
        "/api/forums/test-forum", json={"contact_email": "not an address"}, headers=bearer(secret)
    )
    assert bad.status_code == 422
    assert "contact_email" in bad.json()["fields"]
    settings = await client.get("/manage/forums/test-forum")
    assert 'name="contact_email"' in settings.text and "dpo@ngo.example" in settings.text
