"""Reissue through the API and the workspace: the old code's serial is stale, the page
shows the new QR."""

from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import codes, qr, services
from forum_mgmt.tickets.keys import forum_key
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_user
from tests.registration.helpers import person


async def test_api_reissue_answers_the_new_code_and_revokes_the_old(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    old = await services.issue(forum, reg)
    _user, token = await make_user("boss", role=Role.ORGANIZER, forum=forum)
    response = await client.post(
        f"/api/forums/tf/registrations/{reg.id}/reissue", headers=bearer(token)
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer == {"id": reg.id, "ticket_code": answer["ticket_code"], "serial": 2}
    keys = await forum_key(forum)
    new = codes.verify(keys.public, answer["ticket_code"], forum_id=forum.id)
    stale = codes.verify(keys.public, old.code, forum_id=forum.id)  # still genuine ...
    assert (new.registration_id, new.serial) == (reg.id, 2)
    current = await services.current_serial(reg.id)
    assert (stale.serial, current) == (1, 2)  # ... but no longer the current serial
    page_qr = await client.get(f"/tickets/{reg.token}/qr.svg")
    assert page_qr.text == qr.svg(answer["ticket_code"])


async def test_api_reissue_refuses_unconfirmed_others_and_wrong_forums(client):
    forum = await make_forum("tf", approval=True)
    other = await make_forum("other")
    pending = (await registration.register(forum, person(1))).registration
    elsewhere = (await registration.register(other, person(2))).registration
    _user, token = await make_user("boss", role=Role.ORGANIZER, forum=forum)
    _staff, staff = await make_user("door", role=Role.STAFF, forum=forum)
    url = "/api/forums/tf/registrations/{}/reissue"
    refused = await client.post(url.format(pending.id), headers=bearer(token))
    assert (refused.status_code, refused.json()["error"]) == (409, "not_confirmed")
    missing = await client.post(url.format(elsewhere.id), headers=bearer(token))
    assert missing.status_code == 404
    assert (await client.post(url.format(pending.id), headers=bearer(staff))).status_code == 403
    anonymous = await client.post(url.format(pending.id), headers={"accept": "application/json"})
    assert anonymous.status_code == 401
    assert await services.current_serial(pending.id) is None


async def test_the_decide_actions_still_route_beside_reissue(client):
    forum = await make_forum("tf", approval=True)
    pending = (await registration.register(forum, person(1))).registration
    _user, token = await make_user("boss", role=Role.ORGANIZER, forum=forum)
    response = await client.post(
        f"/api/forums/tf/registrations/{pending.id}/approve", headers=bearer(token)
    )
    assert (response.status_code, response.json()["status"]) == (200, "confirmed")


async def test_workspace_button_reissues_and_the_ticket_page_shows_the_new_qr(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    old = await services.issue(forum, reg)
    await make_user("boss", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "boss")
    page = await client.get(f"/manage/forums/tf/registrations/{reg.id}")
    action = f'action="/manage/forums/tf/registrations/{reg.id}/reissue"'
    assert action in page.text and "Reissue ticket" in page.text
    response = await client.post(
        f"/manage/forums/tf/registrations/{reg.id}/reissue",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/manage/forums/tf/registrations/{reg.id}?done=reissued"
    after = await client.get(response.headers["location"])
    assert "A new ticket is issued" in after.text and "Issue 2" in after.text
    new = await services.issue(forum, reg)
    assert new.serial == 2 and new.code != old.code
    client.cookies.clear()
    ticket_page = await client.get(f"/tickets/{reg.token}")
    assert f'src="/tickets/{reg.token}/qr.svg"' in ticket_page.text
    assert (await client.get(f"/tickets/{reg.token}/qr.svg")).text == qr.svg(new.code)


async def test_workspace_reissue_is_for_this_forums_organizers(client):
    forum = await make_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    anonymous = await client.post(
        f"/manage/forums/tf/registrations/{reg.id}/reissue",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        f"/login?next=%2Fmanage%2Fforums%2Ftf%2Fregistrations%2F{reg.id}%2Freissue",
    )
    await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "door")
    staff = await client.post(
        f"/manage/forums/tf/registrations/{reg.id}/reissue",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert staff.status_code == 403
    assert await services.current_serial(reg.id) is None
