"""Forums that confirm email addresses: no seat, no ticket, no figure before the link."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from forum_mgmt.audit.services import COMMAND_LINE
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.services import seats
from forum_mgmt.registration.tables import Registration
from forum_mgmt.tickets.tables import Ticket
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user
from tests.registration.helpers import body, person, statuses

API = "/api/forums/test-forum/registrations"
FORM = "/forums/test-forum/register"
CHECK_MAILBOX = {
    "status": "check_mailbox",
    "message": "We have sent a message to this address. "
    "Open the link in it to complete the registration.",
}


async def _mails(template: str) -> list[dict]:
    rows = await Outbox.select(Outbox.to, Outbox.context).where(Outbox.template == template)
    return [
        {"to": r["to"], **(json.loads(r["context"]) if isinstance(r["context"], str) else {})}
        for r in rows
    ]


async def _link(email: str) -> str:
    """The path of the confirmation link last mailed to this address."""
    (mail,) = [m for m in await _mails("confirm_email") if m["to"] == email][-1:]
    return mail["confirm_url"].removeprefix("http://127.0.0.1:8000")


async def test_a_signup_holds_no_seat_ticket_or_figure_until_confirmed(client):
    forum = await make_forum(capacity=1, confirm_email=True)
    answer = await client.post(API, json=body(1))
    assert (answer.status_code, answer.json()) == (202, CHECK_MAILBOX)
    reg = await Registration.objects().get(Registration.email == "person1@example.org")
    assert reg.status == "unconfirmed"
    assert reg.confirm_until - time.now() > dt.timedelta(hours=47)
    assert await seats.taken(seats.forum_key(forum.id)) == 0
    assert await Ticket.count() == 0
    assert [m["to"] for m in await _mails("confirm_email")] == ["person1@example.org"]
    assert await Outbox.count().where(Outbox.template != "confirm_email") == 0
    # in no list, count or export; the private link shows nothing yet
    assert await services.list_registrations(forum) == []
    assert await services.counts(forum) == {"status": {}, "category": {}}
    exported = await services.export_csv(forum, services.Filters(), by=COMMAND_LINE)
    assert b"person1@example.org" not in exported
    assert (await client.get(f"/tickets/{reg.token}")).status_code == 404
    # shown apart, when asked for by status
    listed = await services.list_registrations(forum, services.Filters(status="unconfirmed"))
    assert [row.registration.id for row in listed] == [reg.id]


async def test_opening_the_link_shows_a_button_and_only_the_post_confirms(client):
    forum = await make_forum(capacity=5, confirm_email=True)
    await csrf_token(client)
    form = {**body(1), "consent": "on", "_csrf_token": client.cookies["csrftoken"]}
    page = await client.post(FORM, data=form)
    assert page.status_code == 200
    assert "Check your mailbox" in page.text and "person1@example.org" in page.text
    link = await _link("person1@example.org")
    shown = await client.get(link)  # what a mail scanner does
    assert shown.status_code == 200
    assert "Complete my registration" in shown.text
    assert await statuses(forum) == {"person1@example.org": "unconfirmed"}
    token = client.cookies["csrftoken"]
    done = await client.post(link, data={"_csrf_token": token})
    assert done.status_code == 303
    reg = await Registration.objects().get(Registration.email == "person1@example.org")
    assert done.headers["location"] == f"/tickets/{reg.token}"
    assert (reg.status, reg.confirm_code, reg.confirm_until) == ("confirmed", None, None)
    assert await seats.taken(seats.forum_key(forum.id)) == 1
    (mail,) = await _mails("confirmed")
    assert mail["ticket"]["token"] == reg.token
    ticket = await client.get(done.headers["location"])
    assert ticket.status_code == 200 and "Confirmed" in ticket.text
    # single use
    again = await client.post(link, data={"_csrf_token": token})
    assert again.status_code == 404
    assert "does not work any more" in again.text
    assert await seats.taken(seats.forum_key(forum.id)) == 1


async def test_the_seat_is_decided_when_the_link_is_opened(client):
    forum = await make_forum(capacity=1, confirm_email=True)
    for n in (1, 2):
        assert (await client.post(API, json=body(n))).status_code == 202
    token = await csrf_token(client)
    for email in ("person2@example.org", "person1@example.org"):
        done = await client.post(await _link(email), data={"_csrf_token": token})
        assert done.status_code == 303
    assert await statuses(forum) == {
        "person2@example.org": "confirmed",
        "person1@example.org": "waitlisted",
    }
    (waiting,) = await _mails("waitlisted")
    assert (waiting["to"], waiting["waitlist_position"]) == ("person1@example.org", 1)


async def test_a_link_opened_twice_at_once_confirms_once(client):
    forum = await make_forum(capacity=5, confirm_email=True)
    await client.post(API, json=body(1))
    link, token = await _link("person1@example.org"), await csrf_token(client)
    answers = await asyncio.gather(
        *(client.post(link, data={"_csrf_token": token}) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [303, 404, 404, 404]
    assert await seats.taken(seats.forum_key(forum.id)) == 1
    assert await Outbox.count().where(Outbox.template == "confirmed") == 1


async def test_an_expired_link_fails_and_the_next_signup_clears_expired_ones(client):
    forum = await make_forum(confirm_email=True)
    await client.post(API, json=body(1, name="Old"))
    await client.post(API, json=body(2))
    old_link = await _link("person1@example.org")
    await Registration.update({Registration.confirm_until: time.now()}).where(
        Registration.forum == forum.id
    )
    assert (await client.get(old_link)).status_code == 404
    token = await csrf_token(client)
    assert (await client.post(old_link, data={"_csrf_token": token})).status_code == 404
    again = await client.post(API, json=body(1, name="New"))
    assert (again.status_code, again.json()) == (202, CHECK_MAILBOX)
    (reg,) = await Registration.objects().where(Registration.forum == forum.id)
    assert (reg.name, reg.status) == ("New", "unconfirmed")  # person 2's expired one: gone
    new_link = await _link("person1@example.org")
    assert new_link != old_link
    assert (await client.post(new_link, data={"_csrf_token": token})).status_code == 303


async def test_known_and_unknown_addresses_get_the_same_answer(client):
    forum = await make_forum(confirm_email=True)
    # registered by the organizer (no confirmation), and one still unconfirmed
    await services.register(forum, person(1), by_organizer=True)
    await client.post(API, json=body(2))
    known = await client.post(API, json=body(1))
    pending = await client.post(API, json=body(2))
    unknown = await client.post(API, json=body(3))
    assert known.status_code == pending.status_code == unknown.status_code == 202
    assert known.json() == pending.json() == unknown.json() == CHECK_MAILBOX
    token = await csrf_token(client)
    pages = []
    for n in (1, 4):
        form = {**body(n), "consent": "on", "_csrf_token": token}
        page = await client.post(FORM, data=form)
        pages.append((page.status_code, page.text.replace(f"person{n}@", "someone@")))
    assert pages[0] == pages[1]
    # the owner of the known address gets their private link, not a second registration
    assert await Registration.count().where(Registration.email == "person1@example.org") == 1
    (link_mail,) = await _mails("link")
    reg = await Registration.objects().get(Registration.email == "person1@example.org")
    assert (link_mail["to"], link_mail["manage_url"]) == (
        "person1@example.org",
        f"http://127.0.0.1:8000/tickets/{reg.token}",
    )
    # the pending one had its confirmation link minutes ago: not again before RESEND_EVERY
    assert [m["to"] for m in await _mails("confirm_email")] == [
        "person2@example.org",
        "person3@example.org",
        "person4@example.org",
    ]


async def test_without_confirmation_a_known_address_still_answers_409(client):
    await make_forum()
    assert (await client.post(API, json=body(1))).status_code == 201
    again = await client.post(API, json=body(1))
    assert (again.status_code, again.json()["error"]) == (409, "already_registered")


async def test_the_organizer_adds_someone_without_confirmation(client):
    forum = await make_forum(capacity=5, confirm_email=True)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    form = {**body(1), "consent": "on", "_csrf_token": token}
    added = await client.post("/manage/forums/test-forum/registrations/new", data=form)
    assert added.status_code == 303
    assert await statuses(forum) == {"person1@example.org": "confirmed"}
    assert await Outbox.count().where(Outbox.template == "confirm_email") == 0


async def test_the_database_knows_the_status_and_keeps_links_unique(client):
    forum = await make_forum(confirm_email=True)
    for n in (1, 2):
        await client.post(API, json=body(n))
    first, second = await Registration.objects().order_by(Registration.id)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await Registration.update({Registration.confirm_code: first.confirm_code}).where(
            Registration.id == second.id
        )
    with pytest.raises(Exception, match=r"registration_status_known"):
        await Registration.update({Registration.status: "bogus"}).where(
            Registration.id == second.id
        )
    assert await statuses(forum) == {
        "person1@example.org": "unconfirmed",
        "person2@example.org": "unconfirmed",
    }
