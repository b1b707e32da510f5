"""The attendee erases themself: from the ticket page or the API; before the forum the seat
goes to the waiting list; the link stops working; one last mail, blanked once it is out."""

from __future__ import annotations

import datetime as dt

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import MailStatus, Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration, Status
from forum_mgmt.tickets import services as tickets
from tests.conftest import csrf_token
from tests.factories import make_forum
from tests.registration.helpers import person, statuses


async def _full_forum():
    forum = await make_forum("full", capacity=1, waitlist=True)  # a month ahead
    first = (await registration.register(forum, person(1))).registration
    await tickets.issue(forum, first)
    second = (await registration.register(forum, person(2))).registration
    assert await statuses(forum) == {
        "person1@example.org": Status.CONFIRMED,
        "person2@example.org": Status.WAITLISTED,
    }
    return forum, first, second


async def test_erasing_from_the_ticket_page_frees_the_seat_for_the_waiting_list(client, smtp):
    inbox = smtp()
    forum, first, _second = await _full_forum()
    await mail.send_all()
    ticket = await client.get(f"/tickets/{first.token}")
    assert f'href="/tickets/{first.token}/erase"' in ticket.text
    confirm = await client.get(f"/tickets/{first.token}/erase")
    assert confirm.status_code == 200
    assert "your registration is cancelled too" in confirm.text

    no_csrf = await client.post(f"/tickets/{first.token}/erase")
    assert no_csrf.status_code == 403
    done = await client.post(
        f"/tickets/{first.token}/erase", data={"_csrf_token": await csrf_token(client)}
    )

    assert done.status_code == 200
    assert "Your data is erased" in done.text
    assert 'ticket=""' in done.headers["set-cookie"]  # the remembered link is forgotten
    assert await statuses(forum) == {
        f"anonymised-{first.id}": Status.CANCELLED,
        "person2@example.org": Status.CONFIRMED,
    }
    inbox.messages.clear()
    await mail.send_all()
    # The promotion's mail to the next person, and the last one to the erased person: the
    # cancellation's own mail was dropped with the rest of their mail.
    assert sorted(m["To"] for m in inbox.messages) == ["person1@example.org", "person2@example.org"]
    last = next(m for m in inbox.messages if m["To"] == "person1@example.org")
    assert last["Subject"] == "Your data is erased: Test Forum"
    text = last.get_body(("plain",)).get_content()
    assert "Dear Person 1," in text
    assert "Your registration is cancelled." in text
    assert first.token not in text
    rows = await Outbox.select(Outbox.to, Outbox.template, Outbox.context, Outbox.status).where(
        Outbox.ephemeral == True  # noqa: E712 - Piccolo builds SQL from ==
    )
    assert rows == [{"to": "", "template": "erased", "context": "{}", "status": "sent"}]


async def test_after_erasure_every_address_of_the_link_is_gone(client):
    _forum, first, _second = await _full_forum()
    token = first.token
    erased = await client.post(f"/api/tickets/{token}/erase")
    assert (erased.status_code, erased.json()) == (200, {"status": "erased", "cancelled": True})
    for path in ("", "/erase", "/agenda.ics", "/ticket.pdf", "/qr.png", "/qr.svg", "/cancel"):
        assert (await client.get(f"/tickets/{token}{path}")).status_code == 404, path
    for action in ("erase", "cancel"):
        again = await client.post(f"/api/tickets/{token}/{action}")
        assert (again.status_code, again.json()["error"]) == (404, "not_found")


async def test_erasing_during_the_forum_keeps_the_registration_counted(client):
    forum = await make_forum(
        "now",
        starts_on=dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1),
        ends_on=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1),
    )
    reg = (await registration.register(forum, person(1))).registration
    confirm = await client.get(f"/tickets/{reg.token}/erase")
    assert "stays in the forum's figures" in confirm.text
    erased = await client.post(f"/api/tickets/{reg.token}/erase")
    assert erased.json() == {"status": "erased", "cancelled": False}
    row = await Registration.objects().where(Registration.id == reg.id).first()
    assert (row.status, row.name) == (Status.CONFIRMED, "—")


async def test_a_last_mail_that_cannot_be_delivered_is_blanked_when_given_up(client, smtp):
    smtp(refuse=True)
    _forum, first, _second = await _full_forum()
    await client.post(f"/api/tickets/{first.token}/erase")
    await mail.send_all()
    row = await Outbox.objects().where(Outbox.ephemeral == True).first()  # noqa: E712
    assert (row.to, row.status) == ("person1@example.org", MailStatus.QUEUED)
    await Outbox.update({Outbox.attempts: mail.MAX_ATTEMPTS - 1}).where(Outbox.id == row.id)
    await mail.send_all(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    row = await Outbox.objects().where(Outbox.id == row.id).first()
    assert (row.to, row.context, row.last_error, row.status) == ("", "{}", "", "failed")


async def test_a_wrong_token_is_not_found(client):
    response = await client.post("/api/tickets/not-a-token/erase")
    assert (response.status_code, response.json()["error"]) == (404, "not_found")
    assert (await client.get("/tickets/not-a-token/erase")).status_code == 404
