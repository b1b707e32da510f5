import asyncio
import datetime as dt
import importlib

import pytest

from forum_mgmt.agenda.tables import SessionKind
from forum_mgmt.audit.services import COMMAND_LINE
from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.schemas import ForumPatch
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.services import seats
from forum_mgmt.registration.tables import Booking, Category, Counter, Registration
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


async def test_the_migration_moves_leavers_counted_on_their_old_row_onto_the_line():
    move_leavers = importlib.import_module(
        "forum_mgmt.registration.piccolo_migrations.registration_0006_counter_gone_backfill"
    ).move_leavers
    forum = await make_forum(capacity=1)
    for n in range(1, 5):
        await services.register(forum, person(n))  # 1 confirmed, 2-4 waiting
    # As before 0005: the line's row knows no leavers; two are counted on a row of their own.
    await Registration.update({Registration.status: "cancelled"}).where(
        Registration.email.is_in(["person2@example.org", "person3@example.org"])
    )
    await Counter.insert(Counter(key=f"waitlist-left:{forum.id}", taken=2))
    await move_leavers()
    rows = await Counter.select(Counter.key, Counter.taken, Counter.gone).where(
        Counter.key.like("waitlist%")
    )
    assert rows == [{"key": f"waitlist:{forum.id}", "taken": 3, "gone": 2}]
    assert (await services.register(forum, person(5))).waitlist_position == 2
    await move_leavers()  # a second run changes nothing
    assert (await Counter.select(Counter.gone).where(Counter.key.like("waitlist%")))[0] == {
        "gone": 2
    }


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


async def _close_registration(forum):
    """Registration closed a minute ago (the forum itself is still ahead)."""
    closed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    return await forums.update_forum(forum, ForumPatch(registration_closes_at=closed))


async def test_no_promotion_once_registration_has_closed():
    forum = await make_forum(capacity=1)
    first = (await services.register(forum, person(1))).registration
    await services.register(forum, person(2))
    forum = await _close_registration(forum)
    assert not seats.may_promote(forum)
    await services.cancel(forum, first, by="attendee")
    assert await statuses(forum) == {
        "person1@example.org": "cancelled",
        "person2@example.org": "waitlisted",
    }
    assert await seats.taken(seats.forum_key(forum.id)) == 0
    assert await Outbox.count().where(Outbox.template == "promoted") == 0


async def test_the_organizer_may_still_promote_by_hand_after_registration_closes():
    forum = await make_forum(capacity=1)
    first = (await services.register(forum, person(1))).registration
    second = (await services.register(forum, person(2))).registration
    await services.register(forum, person(3))
    forum = await _close_registration(forum)
    await services.cancel(forum, first, by="organizer")
    moved = await services.decide(forum, second.id, "promote", by="organizer", actor=COMMAND_LINE)
    assert moved.status == "confirmed"
    assert await statuses(forum) == {
        "person1@example.org": "cancelled",
        "person2@example.org": "confirmed",
        "person3@example.org": "waitlisted",
    }
    assert await seats.taken(seats.forum_key(forum.id)) == 1
    promoted = await Outbox.select(Outbox.to).where(Outbox.template == "promoted")
    assert promoted == [{"to": "person2@example.org"}]
    # Capacity still holds: the seat is gone, so the next one cannot be moved up by hand.
    third = await Registration.objects().get(Registration.email == "person3@example.org")
    with pytest.raises(DomainError) as err:
        await services.decide(forum, third.id, "promote", by="organizer", actor=COMMAND_LINE)
    assert err.value.code == "full"
    assert (await statuses(forum))["person3@example.org"] == "waitlisted"


async def test_the_private_link_is_sent_again_at_most_once_per_ten_minutes():
    forum = await make_forum()
    other = await make_forum("other-forum")
    await services.register(forum, person(1))
    await services.register(other, person(1))
    answers = []
    for _ in range(3):
        with pytest.raises(DomainError) as err:
            await services.register(forum, person(1))
        answers.append((err.value.code, str(err.value), err.value.fields))
    assert answers == [answers[0]] * 3  # the same answer whether mail went or not
    links = await Outbox.select(Outbox.to, Outbox.forum_id).where(Outbox.template == "link")
    assert links == [{"to": "person1@example.org", "forum_id": forum.id}]
    # Per forum: the same address in another forum gets that forum's link.
    with pytest.raises(DomainError):
        await services.register(other, person(1))
    links = await Outbox.select(Outbox.forum_id).where(Outbox.template == "link")
    assert sorted(r["forum_id"] for r in links) == sorted([forum.id, other.id])
    # Ten minutes later, one more.
    await Outbox.update(
        {Outbox.created_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10, seconds=1)}
    ).where(Outbox.template == "link")
    for _ in range(2):
        with pytest.raises(DomainError):
            await services.register(forum, person(1))
    assert (
        await Outbox.count().where((Outbox.template == "link") & (Outbox.forum_id == forum.id)) == 2
    )


async def test_booking_on_a_cancelled_registration_is_refused_and_takes_no_seat():
    forum = await make_forum(capacity=5)
    workshop = await make_session(forum, "Hands on", kind=SessionKind.WORKSHOP, capacity=3)
    stale = (await services.register(forum, person(1))).registration
    fresh = await Registration.objects().get(Registration.id == stale.id)
    await services.cancel(forum, fresh, by="attendee")
    assert stale.status == "confirmed"  # what a request that read it earlier still holds
    with pytest.raises(DomainError) as err:
        await services.book_session(forum, stale, workshop.id)
    assert err.value.code == "wrong_status"
    assert await Booking.count() == 0
    assert await seats.taken(seats.session_key(workshop.id)) == 0


async def test_cancelling_frees_a_workshop_seat_a_cancelled_registration_still_held():
    forum = await make_forum(capacity=5)
    workshop = await make_session(forum, "Hands on", kind=SessionKind.WORKSHOP, capacity=3)
    reg = (await services.register(forum, person(1))).registration
    await services.cancel(forum, reg, by="attendee")
    # What a booking that raced the cancel left behind before book_session checked in its
    # transaction: a booking and a seat on a cancelled registration.
    await seats.ensure(seats.session_key(workshop.id))
    await seats.take(seats.session_key(workshop.id), 3)
    await Booking.insert(
        Booking(registration=reg.id, session=workshop.id, created_at=reg.created_at)
    )
    await services.cancel(forum, reg, by="attendee")
    assert await Booking.count() == 0
    assert await seats.taken(seats.session_key(workshop.id)) == 0
    assert (await statuses(forum))["person1@example.org"] == "cancelled"
    assert await Outbox.count().where(Outbox.template == "cancelled") == 1


@pytest.mark.postgres
async def test_bookings_racing_cancels_never_leave_a_seat_with_a_cancelled_person():
    forum = await make_forum(capacity=40)
    workshop = await make_session(forum, "Hands on", kind=SessionKind.WORKSHOP, capacity=100)
    await seats.ensure(seats.session_key(workshop.id))
    regs = [(await services.register(forum, person(n))).registration for n in range(30)]
    copies = [await Registration.objects().get(Registration.id == r.id) for r in regs]
    results = await asyncio.gather(
        *(services.book_session(forum, r, workshop.id) for r in regs),
        *(services.cancel(forum, c, by="attendee") for c in copies),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, DomainError) and r.code == "wrong_status" for r in refused)
    assert set((await statuses(forum)).values()) == {"cancelled"}
    assert await Booking.count() == 0
    assert await seats.taken(seats.session_key(workshop.id)) == 0


@pytest.mark.postgres
async def test_many_resends_at_once_send_the_link_once():
    forum = await make_forum()
    existing = (await services.register(forum, person(1))).registration
    # The resend step itself, many at once: through register() the seat lock each sign-up
    # takes first already spaces them out, and would hide a missing lock here.
    resend = importlib.import_module("forum_mgmt.registration.services.register")
    results = await asyncio.gather(
        *(resend._already_registered(forum, existing) for _ in range(12)),
        return_exceptions=True,
    )
    assert [getattr(r, "code", r) for r in results] == ["already_registered"] * 12
    assert await Outbox.count().where(Outbox.template == "link") == 1


async def test_a_forum_in_a_rush_waits_at_its_own_gate_and_holds_up_no_other_forum():
    busy = await make_forum("busy", capacity=5)
    quiet = await make_forum("quiet", capacity=5)
    gate = seats.gate(busy.id)
    assert seats.gate(busy.id) is gate and seats.gate(quiet.id) is not gate
    for _ in range(seats.GATE):  # every place at the busy forum's gate taken
        await gate.acquire()
    try:
        waiting = asyncio.create_task(services.register(busy, person(1)))
        assert (await services.register(quiet, person(2))).registration.status == "confirmed"
        await asyncio.sleep(0.05)
        assert (
            not waiting.done()
            and await Registration.count().where(Registration.forum == busy.id) == 0
        )
    finally:
        for _ in range(seats.GATE):
            gate.release()
    assert (await waiting).registration.status == "confirmed"
