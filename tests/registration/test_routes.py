import csv
import io

import pytest

from forum_mgmt.agenda.tables import SessionKind
from forum_mgmt.audit.services import COMMAND_LINE
from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Role
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, bearer, make_forum, make_session, make_user
from tests.registration.helpers import body, person

API = "/api/forums/test-forum/registrations"


async def test_api_register_answers_201_with_the_contract_fields(client):
    await make_forum(capacity=1)
    first = await client.post(API, json=body(1))
    second = await client.post(API, json=body(2))
    assert first.status_code == 201, first.text
    reg = await Registration.objects().get(Registration.email == "person1@example.org")
    answer = first.json()
    code = answer.pop("ticket_code")  # the QR payload, checked in tests/tickets
    assert len(code) == 120
    assert answer == {
        "id": reg.id,
        "status": "confirmed",
        "manage_url": f"http://127.0.0.1:8000/tickets/{reg.token}",
        "waitlist_position": None,
    }
    assert second.json()["status"] == "waitlisted"
    assert "ticket_code" not in second.json()
    assert second.json()["waitlist_position"] == 1


async def test_api_cancel_by_token_promotes_the_next(client):
    await make_forum(capacity=1)
    token = (await client.post(API, json=body(1))).json()["manage_url"].rsplit("/", 1)[1]
    await client.post(API, json=body(2))
    response = await client.post(f"/api/tickets/{token}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = await client.post(f"/api/tickets/{token}/cancel")
    assert again.json()["status"] == "cancelled"
    statuses = {r.email: r.status for r in await Registration.objects()}
    assert statuses == {"person1@example.org": "cancelled", "person2@example.org": "confirmed"}
    assert (await client.post("/api/tickets/not-a-token/cancel")).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name_local": "林" * 201}, "name_local"),
        ({"organization": "o" * 301}, "organization"),
        ({"title": "t" * 301}, "title"),
        ({"dietary": "d" * 501}, "dietary"),
        ({"accessibility": "a" * 501}, "accessibility"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@" + "b" * 250 + ".org"}, "email"),
        ({"country": "XX"}, "country"),
        ({"country": "Taiwan"}, "country"),
        ({"category": "nope"}, "category"),
        ({"category": "staff"}, "category"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"organization": "ACME\x00\x07"}, "organization"),
        ({"name": "Bob\u202eevil"}, "name"),
        ({"session_ids": [999999]}, "session_ids"),
        ({"answers": {"12345": "x"}}, "answers.12345"),
    ],
)
async def test_bad_input_is_refused_with_the_field_and_writes_nothing(client, change, field):
    await make_forum()
    response = await client.post(API, json=body(1, **change))
    assert response.status_code == 422, response.text
    assert field in response.json()["fields"]
    assert await Registration.count() == 0
    assert await Outbox.count() == 0


@pytest.mark.parametrize("bad", [0, -1, 2**31, 99999999999999999999])
async def test_session_ids_out_of_range_are_400_naming_the_field(client, bad):
    forum = await make_forum()
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    response = await client.post(API, json=body(1, session_ids=[workshop.id, bad]))
    assert response.status_code == 400, response.text
    assert list(response.json()["fields"]) == ["session_ids[1]"]
    assert await Registration.count() == 0


async def test_form_leaves_out_ticked_workshops_that_are_no_id(client):
    forum = await make_forum()
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    token = await csrf_token(client)
    ticked = ["²", "99999999999999999999", "0", "-1", "abc", str(workshop.id)]
    form = {**body(1), "consent": "on", "session_ids": ticked, "_csrf_token": token}
    response = await client.post("/forums/test-forum/register", data=form)
    assert response.status_code == 303
    registration = await Registration.objects().first()
    assert await services.my_session_ids(registration) == [workshop.id]


@pytest.mark.parametrize(
    "payload",
    [{"name": "A"}, {"name": 5, "email": "a@b.org"}, {**body(1), "surprise": 1}, [1, 2]],
)
async def test_malformed_bodies_are_400(client, payload):
    await make_forum()
    response = await client.post(API, json=payload)
    assert response.status_code in (400, 422)
    assert await Registration.count() == 0


async def test_closed_and_draft_forums_refuse(client):
    import datetime as dt

    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    await make_forum(
        "closed", registration_opens_at=past, registration_closes_at=past.replace(month=2)
    )
    await make_forum("draft", publish=False)
    closed = await client.post("/api/forums/closed/registrations", json=body(1))
    draft = await client.post("/api/forums/draft/registrations", json=body(1))
    assert (closed.status_code, closed.json()["error"]) == (409, "registration_closed")
    assert draft.status_code == 404
    assert await Registration.count() == 0


async def test_duplicate_email_is_409_and_does_not_reveal_the_ticket(client):
    await make_forum()
    await client.post(API, json=body(1))
    again = await client.post(API, json=body(1, name="Someone else"))
    assert again.status_code == 409
    assert again.json()["error"] == "already_registered"
    assert "tickets" not in again.text
    assert await Registration.count() == 1


async def test_organizer_lists_registrations_with_every_field(client):
    forum = await make_forum(capacity=1)
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    await services.register(forum, person(1, session_ids=[workshop.id], name_local="林一"))
    await services.register(forum, person(2))
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    response = await client.get(API, headers=bearer(token))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["email"], r["status"], r["waitlist_position"]) for r in rows] == [
        ("person1@example.org", "confirmed", None),
        ("person2@example.org", "waitlisted", 1),
    ]
    assert rows[0]["session_ids"] == [workshop.id]
    assert rows[0]["name_local"] == "林一"
    assert rows[0]["created_at"].endswith("+08:00")
    assert set(rows[0]) >= {
        "id",
        "name",
        "name_local",
        "email",
        "organization",
        "title",
        "country",
        "category",
        "session_ids",
        "consent",
        "status",
        "waitlist_position",
        "created_at",
    }
    page = await client.get(f"{API}?limit=1&offset=1", headers=bearer(token))
    assert [r["email"] for r in page.json()] == ["person2@example.org"]


async def test_organizer_decisions_through_the_api(client):
    forum = await make_forum(capacity=1, approval=True)
    a = (await services.register(forum, person(1))).registration
    b = (await services.register(forum, person(2))).registration
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    ok = await client.post(f"{API}/{a.id}/approve", headers=bearer(token))
    assert (ok.status_code, ok.json()["status"]) == (200, "confirmed")
    waiting = await client.post(f"{API}/{b.id}/approve", headers=bearer(token))
    assert (waiting.json()["status"], waiting.json()["waitlist_position"]) == ("waitlisted", 1)
    full = await client.post(f"{API}/{b.id}/promote", headers=bearer(token))
    assert full.status_code == 409
    await client.post(f"{API}/{a.id}/cancel", headers=bearer(token))
    assert (await Registration.objects().get(Registration.id == b.id)).status == "confirmed"


async def test_organizer_endpoints_refuse_others(client):
    forum = await make_forum()
    other = await make_forum("other")
    reg = (await services.register(forum, person(1))).registration
    _u, staff = await make_user("door", role=Role.STAFF, forum=forum)
    _o, elsewhere = await make_user("else", role=Role.ORGANIZER, forum=other)
    assert (await client.get(API, headers={"accept": "application/json"})).status_code == 401
    assert (await client.get(API, headers=bearer(staff))).status_code == 403
    assert (await client.get(API, headers=bearer(elsewhere))).status_code == 403
    for action in ("approve", "reject", "promote", "cancel"):
        r = await client.post(f"{API}/{reg.id}/{action}", headers=bearer(elsewhere))
        assert r.status_code == 403
    # a registration of another forum is not found through this one
    _x, mine = await make_user("mine", role=Role.ORGANIZER, forum=other)
    r = await client.post(f"/api/forums/other/registrations/{reg.id}/cancel", headers=bearer(mine))
    assert r.status_code == 404
    base = "/manage/forums/test-forum"
    pages = [
        f"{base}/registrations",
        f"{base}/registrations.csv",
        f"{base}/registrations/new",
        f"{base}/registrations/mail",
        f"{base}/registrations/{reg.id}",
        f"{base}/registration-settings",
    ]
    posts = [
        f"{base}/registrations/new",
        f"{base}/registrations/mail",
        f"{base}/registrations/{reg.id}",
        f"{base}/registrations/{reg.id}/cancel",
        f"{base}/registration-settings/questions",
    ]
    for token in (staff, elsewhere):
        for url in pages:
            assert (await client.get(url, headers=bearer(token))).status_code == 403, url
        for url in posts:
            assert (await client.post(url, headers=bearer(token))).status_code == 403, url
    assert (await Registration.objects().get(Registration.id == reg.id)).status == "confirmed"


async def test_form_registers_and_lands_on_the_ticket_page(client):
    await make_forum(capacity=1)
    page = await client.get("/forums/test-forum/register")
    assert page.status_code == 200
    assert 'name="consent"' in page.text and 'name="email"' in page.text
    token = await csrf_token(client)
    form = {**body(1), "consent": "on", "_csrf_token": token}
    response = await client.post("/forums/test-forum/register", data=form)
    assert response.status_code == 303
    ticket = await client.get(response.headers["location"])
    assert ticket.status_code == 200
    assert "Confirmed" in ticket.text
    assert "Person 1" in ticket.text


async def test_form_keeps_what_was_typed_and_shows_errors_next_to_fields(client):
    await make_forum()
    token = await csrf_token(client)
    form = {"name": "林小明", "email": "bad", "organization": "TFCF", "_csrf_token": token}
    response = await client.post("/forums/test-forum/register", data=form)
    assert response.status_code == 422
    assert 'value="林小明"' in response.text
    assert 'id="email-error"' in response.text
    assert 'id="consent-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert await Registration.count() == 0


async def test_form_without_csrf_is_refused(client):
    await make_forum()
    response = await client.post("/forums/test-forum/register", data={**body(1), "consent": "on"})
    assert response.status_code == 403
    assert await Registration.count() == 0


async def test_form_in_chinese(client):
    await make_forum()
    page = await client.get("/forums/test-forum/register?lang=zh-TW")
    assert "報名" in page.text
    assert "臺灣" in page.text  # the country list in the reader's language, as Taiwan writes it


async def test_ticket_page_edits_books_and_cancels(client):
    forum = await make_forum(capacity=5)
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    reg = (await services.register(forum, person(1))).registration
    token = await csrf_token(client)
    url = f"/tickets/{reg.token}"
    edit = await client.post(url, data={"name": "New Name", "country": "JP", "_csrf_token": token})
    assert edit.status_code == 303
    booked = await client.post(f"{url}/sessions/{workshop.id}/book", data={"_csrf_token": token})
    assert booked.status_code == 303
    page = await client.get(url)
    assert "New Name" in page.text and "Booked" in page.text
    confirm = await client.get(f"{url}/cancel")
    assert "Yes, cancel my registration" in confirm.text
    done = await client.post(f"{url}/cancel", data={"_csrf_token": token})
    assert done.status_code == 303
    fresh = await Registration.objects().get(Registration.id == reg.id)
    assert (fresh.name, fresh.country, fresh.status) == ("New Name", "JP", "cancelled")


async def test_manage_page_lists_filters_and_acts(client):
    forum = await make_forum(capacity=1)
    await services.register(forum, person(1, name="王小明", name_local="王小明"))
    waiting = (await services.register(forum, person(2))).registration
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum/registrations?status=waitlisted")
    assert page.status_code == 200
    assert "person2@example.org" in page.text and "person1@example.org" not in page.text
    found = await client.get("/manage/forums/test-forum/registrations?q=王")
    assert "person1@example.org" in found.text and "person2@example.org" not in found.text
    token = await csrf_token(client)
    r = await client.post(
        f"/manage/forums/test-forum/registrations/{waiting.id}/reject",
        data={"_csrf_token": token, "back": "status=waitlisted"},
    )
    assert r.status_code == 303
    assert (await Registration.objects().get(Registration.id == waiting.id)).status == "rejected"
    mail = await client.post(
        "/manage/forums/test-forum/registrations/mail",
        data={"_csrf_token": token, "status": "confirmed", "subject": "Hello", "body": "See you"},
    )
    assert mail.status_code == 303
    assert await Outbox.select(Outbox.to).where(Outbox.template == "message") == [
        {"to": "person1@example.org"}
    ]


async def test_csv_export_opens_in_excel_with_chinese_names(client):
    forum = await make_forum()
    await services.register(forum, person(1, name="Wang", name_local="王小明", organization="=cmd"))
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    response = await client.get("/manage/forums/test-forum/registrations.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ID", "Status", "Place in line", "Category", "Name"]
    assert rows[1][5] == "王小明"
    assert rows[1][7] == "'=cmd"  # no formula runs in a spreadsheet


async def test_settings_page_sets_a_quota_and_adds_a_question(client):
    forum = await make_forum(capacity=10)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum/registration-settings")
    assert page.status_code == 200
    vip = next(c for c in await services.ensure_categories(forum) if c.code == "vip")
    token = await csrf_token(client)
    await client.post(
        f"/manage/forums/test-forum/registration-settings/categories/{vip.id}",
        data={"_csrf_token": token, "public": "on", "quota": "3"},
    )
    await client.post(
        "/manage/forums/test-forum/registration-settings/questions",
        data={"_csrf_token": token, "label": "T-shirt", "kind": "choice", "choices": "S\nM\nL"},
    )
    vip = next(c for c in await services.ensure_categories(forum) if c.code == "vip")
    assert (vip.public, vip.quota) == (True, 3)
    (question,) = await services.questions(forum)
    ok = await client.post(API, json=body(1, answers={str(question.id): "M"}))
    bad = await client.post(API, json=body(2, answers={str(question.id): "XXL"}))
    assert ok.status_code == 201
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "path", ["/manage/forums/{slug}/registrations", API.replace("test-forum", "{slug}")]
)
async def test_registration_lists_cost_the_same_queries_for_1_and_3(client, count_queries, path):
    counts = []
    for n in (1, 3):
        forum = await make_forum(f"q{n}", capacity=1)
        workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
        for i in range(n):
            await services.register(forum, person(i, session_ids=[workshop.id]))
        _u, token = await make_user(f"org{n}", role=Role.ORGANIZER, forum=forum)
        count_queries.count = 0
        response = await client.get(path.format(slug=forum.slug), headers=bearer(token))
        assert response.status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1]


async def test_openapi_document_lists_the_registration_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/forums/{slug}/registrations" in response.json()["paths"]


async def test_the_demo_forum_takes_registrations_with_its_workshop(client):
    from forum_mgmt import demo

    forum, _created = await demo.load(DAY)
    page = await client.get(f"/forums/{forum.slug}/register")
    assert page.status_code == 200
    (workshop,) = await services.workshops(forum)
    assert f'value="{workshop["id"]}"' in page.text
    codes = [c.code for c in await services.ensure_categories(forum)]
    assert codes == ["attendee", "speaker", "press", "vip", "staff"]
    response = await client.post(
        f"/api/forums/{forum.slug}/registrations",
        json=body(1, session_ids=[workshop["id"]]),
    )
    assert response.json()["status"] == "confirmed"


async def test_organizer_edits_a_registration_with_the_same_rules(client):
    forum = await make_forum()
    reg = (await services.register(forum, person(1))).registration
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    url = f"/manage/forums/test-forum/registrations/{reg.id}"
    page = await client.get(url)
    assert page.status_code == 200 and 'value="Person 1"' in page.text
    token = await csrf_token(client)
    bad = await client.post(url, data={"name": "<b>x</b>", "_csrf_token": token})
    assert bad.status_code == 422 and 'id="name-error"' in bad.text
    ok = await client.post(url, data={"name": "王小明", "country": "TW", "_csrf_token": token})
    assert ok.status_code == 303
    assert (await Registration.objects().get(Registration.id == reg.id)).name == "王小明"


async def test_a_ticket_page_does_not_leak_its_link(client):
    forum = await make_forum()
    reg = (await services.register(forum, person(1))).registration
    page = await client.get(f"/tickets/{reg.token}")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert (await client.get("/tickets/wrong-token")).status_code == 404


async def test_mail_log_shows_what_waits_and_what_went_out(client):
    from forum_mgmt.mail import services as mail

    forum = await make_forum(capacity=1)
    await services.register(forum, person(1))
    await mail.send_all()
    await services.register(forum, person(2))
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum/registrations/mail")
    assert page.status_code == 200
    assert page.text.index("person2@example.org") < page.text.index("person1@example.org")
    assert "Sent" in page.text and "Waiting" in page.text


async def _forum_of_another_organisation(slug: str, **fields):
    org = await forums.ensure_organisation("other-org", name="Other Org")
    data = {
        "slug": slug,
        "name": "Other Forum",
        "starts_on": DAY,
        "ends_on": DAY,
        "timezone": "Asia/Taipei",
        **fields,
    }
    return await forums.publish(await forums.create_forum(org, ForumIn(**data)))


async def test_mail_log_shows_only_this_forums_mail_to_an_address_both_forums_share(client):
    ours = await make_forum(capacity=5)
    theirs = await _forum_of_another_organisation("other-forum", approval=True)
    await services.register(ours, person(1))
    await services.register(theirs, person(1))  # the same person, another tenant
    await services.mail_group(
        theirs, services.Filters(), subject="Their news", body="Hello", by=COMMAND_LINE
    )
    with pytest.raises(DomainError):
        await services.register(theirs, person(1))  # their link, sent again
    await make_user("org", role=Role.ORGANIZER, forum=ours)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum/registrations/mail")
    assert page.status_code == 200
    assert page.text.count("person1@example.org") == 1
    assert "<td>Registration confirmed</td>" in page.text
    for theirs_only in ("Registration received", "Message to a group", "Private link sent again"):
        assert theirs_only not in page.text
    assert [(m["to"], m["template"]) for m in await services.mail_log(ours, by=COMMAND_LINE)] == [
        ("person1@example.org", "confirmed")
    ]
    assert [m["template"] for m in await services.mail_log(theirs, by=COMMAND_LINE)] == [
        "link",
        "message",
        "pending",
    ]


async def test_a_repeated_sign_up_answers_the_same_whether_or_not_the_link_went_again(client):
    await make_forum()
    await client.post(API, json=body(1))
    answers = [await client.post(API, json=body(1, name="Someone else")) for _ in range(3)]
    assert [a.status_code for a in answers] == [409, 409, 409]
    assert answers[1].json() == answers[0].json() == answers[2].json()
    assert answers[0].json()["error"] == "already_registered"
    assert await Outbox.count().where(Outbox.template == "link") == 1


async def test_organizer_adds_an_invited_speaker(client):
    forum = await make_forum(capacity=5)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    assert (await client.get("/manage/forums/test-forum/registrations/new")).status_code == 200
    token = await csrf_token(client)
    form = {**body(1), "category": "speaker", "consent": "on", "_csrf_token": token}
    response = await client.post("/manage/forums/test-forum/registrations/new", data=form)
    assert response.status_code == 303
    (row,) = await services.list_registrations(forum)
    assert (row.category, row.registration.status) == ("speaker", "confirmed")
    again = await client.post("/manage/forums/test-forum/registrations/new", data=form)
    assert again.status_code == 409 and "already registered" in again.text


async def test_group_mail_needs_a_subject_and_a_message(client):
    forum = await make_forum()
    await services.register(forum, person(1))
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    response = await client.post(
        "/manage/forums/test-forum/registrations/mail",
        data={"_csrf_token": token, "subject": "Hi\r\nBcc: x@evil.org", "body": ""},
    )
    assert response.status_code == 422
    assert await Outbox.count().where(Outbox.template == "message") == 0
