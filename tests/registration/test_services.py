import datetime as dt

import pytest

from forum_mgmt.agenda.tables import SessionKind
from forum_mgmt.core.errors import DomainError
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.services import seats
from forum_mgmt.registration.tables import Booking, Category, Registration
from tests.factories import make_forum, make_room, make_session
from tests.registration.helpers import person, statuses


async def test_register_confirms_while_seats_last_then_waitlists_in_order():
    forum = await make_forum(capacity=2)
    outcomes = [await services.register(forum, person(n)) for n in range(1, 6)]
    assert [o.registration.status for o in outcomes] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    assert [o.waitlist_position for o in outcomes] == [None, None, 1, 2, 3]
    assert await seats.taken(seats.forum_key(forum.id)) == 2
    assert await Outbox.count() == 5
    templates = sorted(r["template"] for r in await Outbox.select(Outbox.template))
    assert templates == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]


async def test_register_when_full_without_waitlist_refuses_and_writes_nothing():
    forum = await make_forum(capacity=1, waitlist=False)
    await services.register(forum, person(1))
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(2))
    assert err.value.code == "full"
    assert await Registration.count() == 1
    assert await Outbox.count() == 1


async def test_cancel_promotes_first_in_line_exactly_once():
    forum = await make_forum(capacity=1)
    first = (await services.register(forum, person(1))).registration
    await services.register(forum, person(2))
    await services.register(forum, person(3))
    await services.cancel(forum, first, by="attendee")
    await services.cancel(forum, first, by="attendee")  # twice changes nothing
    assert await statuses(forum) == {
        "person1@example.org": "cancelled",
        "person2@example.org": "confirmed",
        "person3@example.org": "waitlisted",
    }
    assert await seats.taken(seats.forum_key(forum.id)) == 1
    rows = await services.list_registrations(forum)
    assert [r.waitlist_position for r in rows] == [None, None, 1]
    promoted = await Outbox.count().where(Outbox.template == "promoted")
    assert promoted == 1


async def test_promoted_person_who_cancels_frees_the_seat_for_the_next():
    forum = await make_forum(capacity=1)
    first = (await services.register(forum, person(1))).registration
    second = (await services.register(forum, person(2))).registration
    await services.register(forum, person(3))
    await services.cancel(forum, first, by="attendee")
    second = await Registration.objects().get(Registration.id == second.id)
    await services.cancel(forum, second, by="attendee")
    assert (await statuses(forum))["person3@example.org"] == "confirmed"


async def test_no_promotion_once_the_forum_has_started():
    today = dt.datetime.now(dt.UTC).date()
    forum = await make_forum(
        capacity=1, starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=1)
    )
    first = (await services.register(forum, person(1))).registration
    await services.register(forum, person(2))
    await services.cancel(forum, first, by="attendee")
    assert (await statuses(forum))["person2@example.org"] == "waitlisted"
    assert await seats.taken(seats.forum_key(forum.id)) == 0


async def test_duplicate_email_is_refused_and_the_link_is_sent_again():
    forum = await make_forum()
    await services.register(forum, person(1))
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(1, email="  PERSON1@Example.org "))
    assert err.value.code == "already_registered"
    assert await Registration.count() == 1
    links = await Outbox.select(Outbox.to).where(Outbox.template == "link")
    assert links == [{"to": "person1@example.org"}]


async def test_approval_holds_then_seats_or_waitlists():
    forum = await make_forum(capacity=1, approval=True)
    a = (await services.register(forum, person(1))).registration
    b = (await services.register(forum, person(2))).registration
    c = (await services.register(forum, person(3))).registration
    assert [a.status, b.status, c.status] == ["pending"] * 3
    assert (await services.approve(forum, a)).status == "confirmed"
    assert (await services.approve(forum, b)).status == "waitlisted"
    assert (await services.reject(forum, c)).status == "rejected"
    with pytest.raises(DomainError):
        await services.approve(forum, a)
    assert await seats.taken(seats.forum_key(forum.id)) == 1


async def test_category_quota_holds_seats_for_its_people():
    forum = await make_forum(capacity=3)
    cats = await services.ensure_categories(forum)
    vip = next(c for c in cats if c.code == "vip")
    await services.update_category(forum, vip.id, public=True, approval=False, quota=1)
    results = [(await services.register(forum, person(n))).registration.status for n in range(3)]
    assert results == ["confirmed", "confirmed", "waitlisted"]  # 2 shared seats
    v1 = await services.register(forum, person(10, category="vip"))
    v2 = await services.register(forum, person(11, category="vip"))
    assert [v1.registration.status, v2.registration.status] == ["confirmed", "waitlisted"]


async def test_invitation_only_category_is_refused_to_the_public():
    forum = await make_forum()
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(1, category="vip"))
    assert err.value.fields == {"category": "This category is by invitation only."}
    assert await Registration.count() == 0


async def test_workshop_capacity_holds_and_a_full_workshop_refuses_the_sign_up():
    forum = await make_forum(capacity=10)
    room = await make_room(forum, capacity=40)
    workshop = await make_session(
        forum, "Hands on", kind=SessionKind.WORKSHOP, capacity=1, room=room
    )
    one = await services.register(forum, person(1, session_ids=[workshop.id]))
    assert await services.booked_ids(one.registration) == [workshop.id]
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(2, session_ids=[workshop.id]))
    assert err.value.code == "session_full"
    assert await Registration.count() == 1
    assert await seats.taken(seats.forum_key(forum.id)) == 1
    await services.drop_session(forum, one.registration, workshop.id)
    assert await Booking.count() == 0
    await services.book_session(forum, one.registration, workshop.id)
    await services.book_session(forum, one.registration, workshop.id)  # a double click
    assert await Booking.count() == 1
    assert await seats.taken(seats.session_key(workshop.id)) == 1


async def test_categories_are_created_once():
    forum = await make_forum()
    await services.ensure_categories(forum)
    await services.ensure_categories(forum)
    codes = [c["code"] for c in await Category.select(Category.code).order_by(Category.position)]
    assert codes == ["attendee", "speaker", "press", "vip", "staff"]


async def test_a_promoted_person_gets_the_workshops_they_asked_for_when_seats_remain():
    forum = await make_forum(capacity=1)
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    first = (await services.register(forum, person(1))).registration
    second = (await services.register(forum, person(2, session_ids=[workshop.id]))).registration
    assert await services.booked_ids(second) == []  # waiting: no workshop seat held
    await services.cancel(forum, first, by="attendee")
    assert await services.booked_ids(second) == [workshop.id]
    assert await seats.taken(seats.session_key(workshop.id)) == 1


async def test_extra_questions_are_checked():
    forum = await make_forum()
    need = await services.add_question(
        forum, label="Need a visa letter?", kind="yesno", required=True
    )
    pick = await services.add_question(
        forum, label="Lunch", kind="choice", choices="Meat\nVegetarian"
    )
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(1, answers={str(pick.id): "Fish"}))
    assert err.value.fields == {
        f"answers.{need.id}": "Please answer this question.",
        f"answers.{pick.id}": "Choose one of the options.",
    }
    ok = await services.register(
        forum, person(1, answers={str(need.id): "yes", str(pick.id): "Vegetarian"})
    )
    assert ok.registration.answers == {str(need.id): "yes", str(pick.id): "Vegetarian"}


async def test_registration_not_yet_open_is_refused():
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    forum = await make_forum(registration_opens_at=soon)
    with pytest.raises(DomainError) as err:
        await services.register(forum, person(1))
    assert (err.value.code, err.value.message) == (
        "registration_closed",
        "Registration has not opened yet.",
    )


async def test_a_newcomer_is_told_their_current_place_after_others_left_the_line():
    forum = await make_forum(capacity=1)
    first = (await services.register(forum, person(1))).registration
    await services.register(forum, person(2))  # waiting, 1
    third = (await services.register(forum, person(3))).registration  # waiting, 2
    await services.register(forum, person(4))  # waiting, 3
    await services.cancel(forum, first, by="attendee")  # person 2 moves up
    await services.cancel(forum, third, by="attendee")  # person 3 leaves the line
    fifth = await services.register(forum, person(5))
    assert fifth.waitlist_position == 2  # behind person 4 only
    rows = await services.list_registrations(forum, services.Filters(status="waitlisted"))
    assert [(r.registration.email, r.waitlist_position) for r in rows] == [
        ("person4@example.org", 1),
        ("person5@example.org", 2),
    ]


async def test_setting_a_quota_recounts_the_pools():
    forum = await make_forum(capacity=4)
    await services.ensure_categories(forum)
    vip = next(c for c in await services.ensure_categories(forum) if c.code == "vip")
    await services.update_category(forum, vip.id, public=True, approval=False, quota=0)
    first = (await services.register(forum, person(1, category="vip"))).registration
    await services.register(forum, person(2))
    await services.update_category(forum, vip.id, public=True, approval=False, quota=2)
    assert await seats.taken(f"category:{vip.id}") == 1
    assert await seats.taken(f"shared:{forum.id}") == 1
    await services.cancel(forum, first, by="attendee")
    assert await seats.taken(f"category:{vip.id}") == 0
    assert await seats.taken(f"shared:{forum.id}") == 1
    with pytest.raises(DomainError):
        await services.update_category(forum, vip.id, public=True, approval=False, quota=5)
