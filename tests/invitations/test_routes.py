"""Invitations through HTTP: the organizer's page, the guest's link, states, resend, revoke."""

from __future__ import annotations

import hashlib

from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import MailStatus, Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration, Status
from tests.conftest import csrf_token, sign_in
from tests.invitations.helpers import invite, links, organizer_forum, registration_form
from tests.registration.helpers import person


async def _states(client, forum) -> dict[str, str]:
    """Address -> the state the organizer's page shows for it."""
    page = await client.get(f"/manage/forums/{forum.slug}/invitations")
    assert page.status_code == 200
    rows = await Invitation.select(Invitation.id, Invitation.email).where(
        Invitation.forum == forum.id
    )
    found = {}
    for row in rows:
        card = page.text.split(f'id="invitation-{row["id"]}"', 1)[1].split("</li>", 1)[0]
        found[row["email"]] = card.split('class="badge state-', 1)[1].split('"', 1)[0]
    return found


async def _register(guest, token: str, **fields):
    await guest.get(f"/invitations/{token}")  # the page sets the CSRF cookie
    data = {**registration_form(**fields), "_csrf_token": guest.cookies.get("csrftoken", "")}
    return await guest.post(f"/invitations/{token}", data=data)


async def _decline(guest, token: str):
    await guest.get("/login")
    return await guest.post(
        f"/invitations/{token}/decline", data={"_csrf_token": guest.cookies["csrftoken"]}
    )


async def test_an_invitation_is_mailed_in_the_guests_language_and_only_its_hash_is_kept(client):
    forum, cats = await organizer_forum(client)

    sent = await invite(client, forum, cats["vip"], language="zh-TW", name="林佳龍")

    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/manage/forums/gf/invitations?done=invited",
    )
    mailed = await Outbox.objects().where(Outbox.template == "invitation")
    assert [(m.to, m.language, m.forum_id) for m in mailed] == [
        ("guest1@example.org", "zh-TW", forum.id)
    ]
    token = (await links())["guest1@example.org"]
    row = await Invitation.objects().first()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.name, row.category, row.outbox_id) == ("林佳龍", cats["vip"].id, mailed[0].id)
    assert token not in str(await Invitation.select())
    assert await _states(client, forum) == {"guest1@example.org": "sent"}


async def test_the_link_opens_the_form_filled_in_and_registers_once_into_the_category(
    client, guest
):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], name="Guest One", language="zh-TW")
    token = (await links())["guest1@example.org"]

    page = await guest.get(f"/invitations/{token}?lang=zh-TW")

    assert page.status_code == 200
    assert 'value="Guest One"' in page.text and 'value="guest1@example.org"' in page.text
    assert "您受邀以「貴賓」身分出席" in page.text
    assert await _states(client, forum) == {"guest1@example.org": "opened"}
    done = await _register(guest, token)
    assert done.status_code == 303 and done.headers["location"].startswith("/tickets/")
    reg = await Registration.objects().where(Registration.forum == forum.id).first()
    assert (reg.category, reg.status, reg.name) == (cats["vip"].id, Status.CONFIRMED, "Guest One")
    assert (await Invitation.objects().first()).registration == reg.id
    assert await _states(client, forum) == {"guest1@example.org": "registered"}
    # single use: the link now says what happened, and registers nobody
    again = await _register(guest, token, email="someone@example.org")
    assert again.status_code == 409
    assert "此邀請已使用過" in again.text  # the guest's language, remembered
    assert await Registration.count().where(Registration.forum == forum.id) == 1


async def test_the_public_form_still_refuses_the_invitation_only_category(client, guest):
    forum, _cats = await organizer_forum(client)
    await guest.get(f"/forums/{forum.slug}/register")
    refused = await guest.post(
        f"/forums/{forum.slug}/register",
        data={**registration_form(category="vip"), "_csrf_token": guest.cookies["csrftoken"]},
    )
    assert refused.status_code == 422
    assert "by invitation only" in refused.text


async def test_a_category_field_in_the_form_cannot_move_the_guest(client, guest):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"])
    token = (await links())["guest1@example.org"]
    assert (await _register(guest, token, category="attendee")).status_code == 303
    reg = await Registration.objects().first()
    assert reg.category == cats["vip"].id


async def test_past_approval_only_when_the_organizer_says_so(client, guest):
    forum, cats = await organizer_forum(client)  # press needs approval
    await invite(client, forum, cats["press"], email="a@example.org", skip_approval="on")
    await invite(client, forum, cats["press"], email="b@example.org")
    tokens = await links()

    await _register(guest, tokens["a@example.org"], email="a@example.org")
    await _register(guest, tokens["b@example.org"], email="b@example.org")

    rows = await Registration.select(Registration.email, Registration.status).order_by(
        Registration.email
    )
    assert [(r["email"], r["status"]) for r in rows] == [
        ("a@example.org", Status.CONFIRMED),
        ("b@example.org", Status.PENDING),
    ]


async def test_past_quota_only_when_the_organizer_says_so(client, guest):
    forum, cats = await organizer_forum(client, capacity=1, waitlist=False)
    await registration.register(forum, person(9))  # the only seat
    await invite(client, forum, cats["vip"], email="a@example.org", skip_quota="on")
    await invite(client, forum, cats["vip"], email="b@example.org")
    tokens = await links()

    full = await _register(guest, tokens["b@example.org"], email="b@example.org")
    past = await _register(guest, tokens["a@example.org"], email="a@example.org")

    assert full.status_code == 409 and "full" in full.text
    assert past.status_code == 303
    confirmed = await Registration.select(Registration.email).where(
        Registration.status == Status.CONFIRMED
    )
    assert sorted(r["email"] for r in confirmed) == ["a@example.org", "person9@example.org"]
    # the refused sign-up gave its use back: the link still works
    assert await _states(client, forum) == {
        "a@example.org": "registered",
        "b@example.org": "opened",
    }
    counts = await registration.counts(forum)
    assert counts["status"]["confirmed"] == 2


async def test_declining_closes_the_link_and_tells_the_organizer(client, guest):
    forum, cats = await organizer_forum(client)
    await Forum.update({Forum.contact_email: "office@example.org"}).where(Forum.id == forum.id)
    await invite(client, forum, cats["vip"])
    token = (await links())["guest1@example.org"]

    declined = await _decline(guest, token)

    assert declined.status_code == 200
    assert "Invitation declined" in declined.text
    assert await _states(client, forum) == {"guest1@example.org": "declined"}
    told = await Outbox.objects().where(Outbox.template == "invitation_declined")
    assert [m.to for m in told] == ["office@example.org"]
    assert (await _decline(guest, token)).status_code == 409
    assert (await _register(guest, token)).status_code == 409
    assert (await guest.get(f"/invitations/{token}")).status_code == 409
    assert await Registration.count() == 0


async def test_without_a_contact_address_the_organizers_are_told(client, guest):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"])
    await _decline(guest, (await links())["guest1@example.org"])
    told = await Outbox.objects().where(Outbox.template == "invitation_declined")
    assert [m.to for m in told] == ["gf-org@users.invalid"]


async def test_a_withdrawn_link_stops_working_a_used_one_keeps_its_registration(client, guest):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], email="a@example.org")
    await invite(client, forum, cats["vip"], email="b@example.org")
    tokens = await links()
    await _register(guest, tokens["b@example.org"], email="b@example.org")
    rows = {r.email: r.id for r in await Invitation.objects()}
    token = await csrf_token(client)

    for email in ("a@example.org", "b@example.org"):
        done = await client.post(
            f"/manage/forums/gf/invitations/{rows[email]}/revoke", data={"_csrf_token": token}
        )
        assert done.status_code == 303

    assert await _states(client, forum) == {
        "a@example.org": "revoked",
        "b@example.org": "registered",
    }
    closed = await guest.get(f"/invitations/{tokens['a@example.org']}")
    assert closed.status_code == 409 and "withdrawn" in closed.text


async def test_sending_again_makes_a_new_link_and_the_old_one_stops(client, guest):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"])
    old = (await links())["guest1@example.org"]
    row = await Invitation.objects().first()

    resent = await client.post(
        f"/manage/forums/gf/invitations/{row.id}/resend",
        data={"_csrf_token": await csrf_token(client)},
    )

    assert resent.status_code == 303
    new = (await links())["guest1@example.org"]
    assert new != old
    assert await Outbox.count().where(Outbox.template == "invitation") == 2
    assert (await guest.get(f"/invitations/{old}")).status_code == 404
    assert (await guest.get(f"/invitations/{new}")).status_code == 200
    await _register(guest, new)
    again = await client.post(
        f"/manage/forums/gf/invitations/{row.id}/resend",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert again.status_code == 409


async def test_a_mail_the_outbox_gave_up_on_shows_as_bounced(client, smtp):
    smtp(refuse=True)
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], email="a@example.org")
    await invite(client, forum, cats["vip"], email="b@example.org")
    # a's mail on its last attempt, b's on its first: both refused by the server
    a_mail = (
        await Invitation.objects().where(Invitation.email == "a@example.org").first()
    ).outbox_id
    await Outbox.update({Outbox.attempts: mail.MAX_ATTEMPTS - 1}).where(Outbox.id == a_mail)

    await mail.send_due()

    statuses = dict(
        await Outbox.select(Outbox.to, Outbox.status).output(as_list=False).run() and []
    )
    del statuses
    rows = await Outbox.select(Outbox.to, Outbox.status).where(Outbox.template == "invitation")
    assert {r["to"]: r["status"] for r in rows} == {
        "a@example.org": MailStatus.FAILED,
        "b@example.org": MailStatus.QUEUED,
    }
    assert await _states(client, forum) == {"a@example.org": "bounced", "b@example.org": "sent"}


async def test_a_second_invitation_to_an_address_is_refused(client):
    forum, cats = await organizer_forum(client)
    assert (await invite(client, forum, cats["vip"])).status_code == 303
    again = await invite(client, forum, cats["speaker"], email="GUEST1@example.org ")
    assert again.status_code == 409
    assert "has an invitation already" in again.text
    assert await Invitation.count() == 1


async def test_bad_fields_are_named_and_nothing_is_sent(client):
    forum, cats = await organizer_forum(client)
    bad = await invite(client, forum, cats["vip"], name="", email="not-an-address", language="fr")
    assert bad.status_code == 422
    assert "Please fill this in." in bad.text
    assert "does not look like an email address" in bad.text
    assert "use en or zh-TW" in bad.text
    assert (await Invitation.count(), await Outbox.count()) == (0, 0)


async def test_an_unknown_link_or_category_is_not_found(client, guest):
    forum, _cats = await organizer_forum(client)
    assert (await guest.get("/invitations/not-a-real-token")).status_code == 404
    assert (await guest.get("/invitations/" + "x" * 100)).status_code == 404
    _other, other_cats = await organizer_forum(client, slug="other")
    await sign_in(client, "gf-org")
    wrong = await invite(client, forum, other_cats["vip"])  # another forum's category
    assert wrong.status_code == 404
    assert await Invitation.count() == 0


async def test_the_invited_address_needs_no_confirmation_link_another_address_does(client, guest):
    forum, cats = await organizer_forum(client, confirm_email=True)
    await invite(client, forum, cats["vip"], email="a@example.org")
    await invite(client, forum, cats["vip"], email="b@example.org")
    tokens = await links()

    same = await _register(guest, tokens["a@example.org"], email="a@example.org")
    other = await _register(guest, tokens["b@example.org"], email="assistant@example.org")

    assert same.status_code == 303 and same.headers["location"].startswith("/tickets/")
    assert other.status_code == 200 and "assistant@example.org" in other.text  # check mailbox
    rows = await Registration.select(Registration.email, Registration.status).order_by(
        Registration.email
    )
    assert [(r["email"], r["status"]) for r in rows] == [
        ("a@example.org", Status.CONFIRMED),
        ("assistant@example.org", Status.UNCONFIRMED),
    ]
    # the link is spent either way: the address confirms the rest
    assert await _states(client, forum) == {
        "a@example.org": "registered",
        "b@example.org": "registered",
    }
