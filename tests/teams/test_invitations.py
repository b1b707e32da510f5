"""The whole invitation flow through HTTP: invite, read the mail, accept as a new person or
as an existing one; expired, reused and withdrawn links; the last organizer stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from email.header import decode_header, make_header

import httpx
import pytest

from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import ForumRole, Membership, Role
from forum_mgmt.teams.tables import TeamEvent, TeamInvitation
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user
from tests.teams.helpers import NEW_PASSWORD, invite, link_in_mail, mailed, text_of

PAGE = "/manage/forums/test-forum/team"


@pytest.fixture
async def invitee(app) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser: the person who gets the mail."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        headers={"accept": "text/html"},
    ) as c:
        yield c


@pytest.fixture
async def forum_with_organizer(client):
    forum = await make_forum()
    organizer, _token = await make_user("olga", role=Role.ORGANIZER, forum=forum)
    assert (await sign_in(client, "olga")).status_code == 303
    return forum, organizer


async def _roles(forum) -> dict[str, str]:
    rows = await ForumRole.select(ForumRole.user.username, ForumRole.role).where(
        ForumRole.forum == forum.id
    )
    return {r["user.username"]: r["role"] for r in rows}


async def test_a_new_person_accepts_sets_a_password_and_the_role_works(
    client, invitee, forum_with_organizer
):
    forum, _organizer = forum_with_organizer
    sent = await invite(client, PAGE, "Mei@Example.org", "staff")
    assert (sent.status_code, sent.headers["location"]) == (303, f"{PAGE}?done=invited")
    page = (await client.get(sent.headers["location"])).text
    assert "Mei@Example.org" in page and "Invitation sent." in page

    message = await mailed("Mei@Example.org")
    assert str(make_header(decode_header(message["Subject"]))) == (
        "Invitation to the team of Test Forum"
    )
    assert "olga invites you to the team of Test Forum as staff." in text_of(message)
    link = await link_in_mail("Mei@Example.org")
    stored = await TeamInvitation.select(TeamInvitation.digest).first()
    assert stored is not None and link.rsplit("/", 1)[1] not in str(stored)  # only a hash

    opened = await invitee.get(link)
    assert opened.status_code == 200
    assert "Create my account and join" in opened.text
    assert 'value="Mei"' in opened.text  # a username suggested from the address
    short = await invitee.post(
        link + "/new",
        data={"username": "mei", "password": "too-short", "_csrf_token": await csrf_token(invitee)},
    )
    assert short.status_code == 422
    assert "A password needs at least 12 characters." in short.text
    common = await invitee.post(
        link + "/new",
        data={
            "username": "mei",
            "password": "password1234",
            "_csrf_token": invitee.cookies["csrftoken"],
        },
    )
    assert common.status_code == 422 and "most common" in common.text

    no_csrf = await invitee.post(link + "/new", data={"username": "mei", "password": NEW_PASSWORD})
    assert no_csrf.status_code == 403
    taken = await invitee.post(
        link + "/new",
        data={
            "username": "olga",
            "password": NEW_PASSWORD,
            "_csrf_token": invitee.cookies["csrftoken"],
        },
    )
    assert taken.status_code == 409 and "That username is taken." in taken.text
    assert await TeamInvitation.count().where(TeamInvitation.accepted_at.is_not_null()) == 0

    joined = await invitee.post(
        link + "/new",
        data={
            "username": "mei",
            "password": NEW_PASSWORD,
            "_csrf_token": invitee.cookies["csrftoken"],
        },
    )
    # staff of a forum whose check-in is not open yet: the list of their scanners
    assert (joined.status_code, joined.headers["location"]) == (303, "/checkin")
    assert await _roles(forum) == {"olga": "organizer", "mei": "staff"}
    scanner = await invitee.get("/checkin/test-forum")  # signed in, and staff may scan
    assert scanner.status_code == 200
    assert (await invitee.get("/manage/forums/test-forum")).status_code == 403  # not organizer

    again = await invitee.get(link)  # the link worked once
    assert again.status_code == 410
    assert "accepted already" in again.text
    # the new password signs in
    await invitee.post("/logout", data={"_csrf_token": invitee.cookies["csrftoken"]})
    assert (await sign_in(invitee, "mei", NEW_PASSWORD)).status_code == 303

    events = await TeamEvent.select(TeamEvent.action, TeamEvent.role).order_by(TeamEvent.id)
    assert [(e["action"], e["role"]) for e in events] == [
        ("team.invite", "staff"),
        ("team.accept", "staff"),
    ]
    log = (await client.get("/manage/forums/test-forum/access-log")).text
    assert "Invited to the team" in log and "Invitation accepted" in log and "mei" in log


async def test_an_existing_person_accepts_signed_in_and_someone_else_is_told(
    client, invitee, forum_with_organizer
):
    forum, _organizer = forum_with_organizer
    other = await make_forum("second-forum")
    await make_user("ken", role=Role.STAFF, forum=other)  # ken@users.invalid
    await make_user("ann")
    assert (await invite(client, PAGE, "ken@users.invalid", "organizer")).status_code == 303
    link = await link_in_mail("ken@users.invalid")

    anonymous = await invitee.get(link)
    assert "This address has an account already: sign in, then accept." in anonymous.text
    await sign_in(invitee, "ann")
    wrong = await invitee.get(link)
    assert (
        "You are signed in as ann, but this invitation is for ken@users.invalid. "
        "Sign out, then open the link again." in wrong.text
    )
    refused = await invitee.post(
        link + "/accept", data={"_csrf_token": invitee.cookies["csrftoken"]}
    )
    assert refused.status_code == 403
    assert "You are signed in as ann" in refused.text
    assert "ann" not in await _roles(forum)

    await invitee.post("/logout", data={"_csrf_token": invitee.cookies["csrftoken"]})
    await sign_in(invitee, "ken")
    accepted = await invitee.post(link + "/accept", data={"_csrf_token": await csrf_token(invitee)})
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/manage")
    assert await _roles(forum) == {"olga": "organizer", "ken": "organizer"}
    assert await _roles(other) == {"ken": "staff"}  # a second forum: the first role stays
    assert (await invitee.get("/manage/forums/test-forum/team")).status_code == 200


async def test_an_expired_or_withdrawn_link_does_not_work(client, invitee, forum_with_organizer):
    forum, _organizer = forum_with_organizer
    await invite(client, PAGE, "late@example.org")
    late = await link_in_mail("late@example.org")
    await TeamInvitation.update(
        {TeamInvitation.expires_at: TeamInvitation.created_at - dt.timedelta(seconds=1)}
    ).where(TeamInvitation.email == "late@example.org")
    expired = await invitee.get(late)
    assert expired.status_code == 410 and "This invitation has expired." in expired.text
    tried = await invitee.post(
        late + "/new",
        data={
            "username": "late",
            "password": NEW_PASSWORD,
            "_csrf_token": await csrf_token(invitee),  # the expired page has no form
        },
    )
    assert tried.status_code == 410
    assert "late" not in await _roles(forum)

    await invite(client, PAGE, "gone@example.org")
    gone = await link_in_mail("gone@example.org")
    row = (
        await TeamInvitation.select(TeamInvitation.id)
        .where(TeamInvitation.email == "gone@example.org")
        .first()
    )
    assert row is not None
    withdrawn = await client.post(
        f"{PAGE}/invitations/{row['id']}/revoke", data={"_csrf_token": await csrf_token(client)}
    )
    assert withdrawn.status_code == 303
    assert (await invitee.get(gone)).status_code == 404
    assert (await invitee.get("/team-invitation/fmt_made-up")).status_code == 404

    await invite(client, PAGE, "twice@example.org")
    first = await link_in_mail("twice@example.org")
    await invite(client, PAGE, "twice@example.org")  # sent again: the first link stops
    second = await link_in_mail("twice@example.org")
    assert first != second
    assert (await invitee.get(first)).status_code == 404
    assert (await invitee.get(second)).status_code == 200


async def test_roles_change_and_the_last_organizer_stays(client, forum_with_organizer):
    forum, organizer = forum_with_organizer
    staff, _token = await make_user("sam", role=Role.STAFF, forum=forum)
    token = await csrf_token(client)

    demote = await client.post(
        f"{PAGE}/members/{organizer.id}/role", data={"role": "staff", "_csrf_token": token}
    )
    assert demote.status_code == 409
    assert "The team needs at least one organizer" in demote.text
    alone = await client.post(f"{PAGE}/members/{organizer.id}/remove", data={"_csrf_token": token})
    assert alone.status_code == 409
    assert await _roles(forum) == {"olga": "organizer", "sam": "staff"}

    promote = await client.post(
        f"{PAGE}/members/{staff.id}/role", data={"role": "organizer", "_csrf_token": token}
    )
    assert promote.status_code == 303
    assert await _roles(forum) == {"olga": "organizer", "sam": "organizer"}
    bad = await client.post(
        f"{PAGE}/members/{staff.id}/role", data={"role": "king", "_csrf_token": token}
    )
    assert bad.status_code == 422
    removed = await client.post(
        f"{PAGE}/members/{organizer.id}/remove", data={"_csrf_token": token}
    )
    assert removed.status_code == 303  # another organizer remains
    assert await _roles(forum) == {"sam": "organizer"}
    assert (await client.get(PAGE)).status_code == 403  # olga's role is gone at once
    no_longer = await client.post(f"{PAGE}/members/{staff.id}/remove", data={"_csrf_token": token})
    assert no_longer.status_code == 403  # the guard: olga holds no role here any more

    actions = await TeamEvent.select(TeamEvent.action, TeamEvent.user_id, TeamEvent.by_user_id)
    assert [(a["action"], a["user_id"], a["by_user_id"]) for a in actions] == [
        ("team.role", staff.id, organizer.id),
        ("team.remove", organizer.id, organizer.id),
    ]


async def test_forms_need_the_csrf_token(client, forum_with_organizer):
    _forum, organizer = forum_with_organizer
    no_token = await client.post(f"{PAGE}/invite", data={"email": "x@example.org", "role": "staff"})
    assert no_token.status_code == 403
    no_token = await client.post(f"{PAGE}/members/{organizer.id}/remove")
    assert no_token.status_code == 403
    assert await TeamInvitation.count() == 0


async def test_bad_invitations_are_422_with_the_field(client, forum_with_organizer):
    _forum, _organizer = forum_with_organizer
    bad = await invite(client, PAGE, "not-an-address")
    assert bad.status_code == 422
    assert "An email address, such as colleague@example.org." in bad.text
    member = await invite(client, PAGE, "olga@users.invalid")
    assert member.status_code == 409
    assert "is on the team already" in member.text
    assert await TeamInvitation.count() == 0


async def test_the_mail_is_in_the_chosen_language(client, forum_with_organizer):
    await invite(client, PAGE, "lin@example.tw", language="zh-TW")
    text = text_of(await mailed("lin@example.tw"))
    assert "邀請" in text


async def test_an_organisations_organizer_invites_a_member_who_may_then_create_forums(
    client, invitee
):
    org = await forums.ensure_organisation("ngo", name="NGO Alliance", name_local="NGO聯盟")
    olga, _token = await make_user("olga")
    await forums.join(org, olga, Role.ORGANIZER)
    await make_user("stranger")
    await sign_in(client, "olga")
    index = (await client.get("/manage")).text
    assert 'href="/manage/organisations/ngo"' in index
    page = "/manage/organisations/ngo"
    assert (await client.get(page)).status_code == 200
    assert (await invite(client, page, "lee@example.org", "organizer")).status_code == 303
    assert "NGO Alliance" in text_of(await mailed("lee@example.org"))
    link = await link_in_mail("lee@example.org")
    joined = await invitee.post(
        link + "/new",
        data={
            "username": "lee",
            "password": NEW_PASSWORD,
            "_csrf_token": await csrf_token(invitee),
        },
    )
    assert joined.status_code == 303
    rows = await Membership.select(Membership.user.username, Membership.role).where(
        Membership.organisation == org.id
    )
    assert sorted((r["user.username"], r["role"]) for r in rows) == [
        ("lee", "organizer"),
        ("olga", "organizer"),
    ]
    assert (await invitee.get("/manage/forums/new")).status_code == 200  # may create forums
    assert (await invitee.get(page)).status_code == 200

    await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})
    await sign_in(client, "stranger")
    refused = await client.get(page)
    assert refused.status_code == 403
    assert "organizers may manage its members." in refused.text
    events = await TeamEvent.select(TeamEvent.action).where(TeamEvent.organisation == org.id)
    assert [e["action"] for e in events] == ["team.invite", "team.accept"]
