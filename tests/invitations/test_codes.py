"""Group codes: one code, N sign-ups in its category, shown with their uses."""

from __future__ import annotations

from forum_mgmt.invitations.tables import GroupCode
from forum_mgmt.registration.tables import Registration, Status
from tests.invitations.helpers import form, organizer_forum, registration_form


async def _create(client, category, **fields):
    data = {"category": str(category.id), "max_uses": "2", "label": "Delegation of Palau"}
    data.update(fields)
    return await client.post("/manage/forums/gf/group-codes", data=await form(client, **data))


async def _sign_up(guest, code: str, n: int):
    page = await guest.get(f"/forums/gf/group/{code}")
    data = registration_form(name=f"Delegate {n}", email=f"d{n}@example.org")
    data["_csrf_token"] = guest.cookies.get("csrftoken", "")
    return page, await guest.post(f"/forums/gf/group/{code}", data=data)


async def test_a_code_lets_n_people_in_its_category_and_shows_its_uses(client, guest):
    _forum, cats = await organizer_forum(client)
    created = await _create(client, cats["vip"], code="palau-2026", skip_approval="on")
    assert created.status_code == 303
    code = await GroupCode.objects().first()
    assert (code.code, code.max_uses, code.uses) == ("PALAU-2026", 2, 0)

    results = [await _sign_up(guest, "palau-2026", n) for n in (1, 2, 3)]

    assert [r[0].status_code for r in results] == [200, 200, 200]
    assert "Delegation of Palau" in results[0][0].text
    assert [r[1].status_code for r in results] == [303, 303, 409]
    assert "used as often as it may be" in results[2][1].text
    rows = await Registration.select(Registration.email, Registration.category, Registration.status)
    assert sorted((r["email"], r["category"], r["status"]) for r in rows) == [
        ("d1@example.org", cats["vip"].id, Status.CONFIRMED),
        ("d2@example.org", cats["vip"].id, Status.CONFIRMED),
    ]
    page = await client.get("/manage/forums/gf/invitations")
    assert "PALAU-2026" in page.text and "2 of 2 used" in page.text


async def test_a_failed_sign_up_gives_its_use_back(client, guest):
    _forum, cats = await organizer_forum(client)
    await _create(client, cats["vip"], code="ABCD1234")
    _page, first = await _sign_up(guest, "ABCD1234", 1)
    _page, again = await _sign_up(guest, "ABCD1234", 1)  # the same address: refused
    assert (first.status_code, again.status_code) == (303, 409)
    assert (await GroupCode.objects().first()).uses == 1


async def test_a_made_up_code_is_shown_and_a_withdrawn_or_wrong_code_is_not_found(client, guest):
    _forum, cats = await organizer_forum(client)
    await _create(client, cats["vip"])
    code = await GroupCode.objects().first()
    assert len(code.code) == 8 and code.code.isalnum()
    assert code.code in (await client.get("/manage/forums/gf/invitations")).text
    assert (await guest.get(f"/forums/gf/group?code={code.code.lower()}")).headers[
        "location"
    ] == f"/forums/gf/group/{code.code}"
    withdrawn = await client.post(
        f"/manage/forums/gf/group-codes/{code.id}/revoke", data=await form(client)
    )
    assert withdrawn.status_code == 303
    assert (await guest.get(f"/forums/gf/group/{code.code}")).status_code == 404
    assert (await guest.get("/forums/gf/group/NOPE1234")).status_code == 404
    assert (await guest.get("/forums/gf/group/bad code!")).status_code == 404
    assert (await guest.get("/forums/gf/group")).status_code == 200


async def test_bad_fields_and_a_second_code_alike_are_refused(client):
    _forum, cats = await organizer_forum(client)
    bad = await _create(client, cats["vip"], max_uses="0", code="x")
    assert bad.status_code == 422
    assert "Between 1 and 10000." in bad.text and "4 to 32 letters" in bad.text
    assert (await _create(client, cats["vip"], code="SAME-CODE")).status_code == 303
    twice = await _create(client, cats["vip"], code="same-code")
    assert twice.status_code == 422 and "This forum has this code already." in twice.text
    assert await GroupCode.count() == 1
