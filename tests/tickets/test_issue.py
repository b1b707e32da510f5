"""Tickets of confirmed registrations: the code in the API answer, reissue revokes."""

import pytest

from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import codes, qr, services
from forum_mgmt.tickets.keys import forum_key
from tests.factories import make_forum
from tests.registration.helpers import body, person


async def test_a_confirmed_sign_up_answers_with_its_ticket_code(client):
    forum = await make_forum("tf", capacity=1, waitlist=True)
    first = await client.post("/api/forums/tf/registrations", json=body(1))
    assert first.status_code == 201
    answer = first.json()
    assert answer["status"] == "confirmed"
    keys = await forum_key(forum)
    claims = codes.verify(keys.public, answer["ticket_code"], forum_id=forum.id)
    assert (claims.registration_id, claims.serial) == (answer["id"], 1)
    assert qr.build(answer["ticket_code"]).version <= 6
    second = await client.post("/api/forums/tf/registrations", json=body(2))
    assert second.json()["status"] == "waitlisted"
    assert "ticket_code" not in second.json()


async def test_issue_is_stable_and_reissue_bumps_the_serial():
    forum = await make_forum("tf")
    outcome = await registration.register(forum, person(1))
    first = await services.issue(forum, outcome.registration)
    assert (await services.issue(forum, outcome.registration)).code == first.code
    again = await services.reissue(forum, outcome.registration)
    assert again.serial == first.serial + 1 and again.code != first.code
    assert await services.current_serial(outcome.registration.id) == 2


async def test_no_ticket_before_confirmation():
    forum = await make_forum("tf", approval=True)
    outcome = await registration.register(forum, person(1))
    assert outcome.registration.status == "pending"
    with pytest.raises(services.NotConfirmed):
        await services.issue(forum, outcome.registration)
