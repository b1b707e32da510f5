"""Cancellation, the waiting list, approval: every status change that moves a seat.

Each runs in one transaction that first locks the forum's counter, so it serialises with
every other seat change of that forum in the same lock order as a sign-up.
"""

from __future__ import annotations

from forum_mgmt.audit import services as audit
from forum_mgmt.audit.services import Actor
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.services import catalogue, checks, notify, seats
from forum_mgmt.registration.services.register import ForumFull, book
from forum_mgmt.registration.tables import Booking, Category, Registration, Status

ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING)
LOOK_AHEAD = 50  # waiting people tried per freed seat (others may wait for another pool)


class WrongStatus(Conflict):
    code = "wrong_status"


async def _move(registration: Registration, frm: tuple[Status, ...], to: Status) -> bool:
    """Change the status only if it still is one of `frm`: exactly once, whoever races."""
    rows = (
        await Registration.update({Registration.status: to, Registration.updated_at: time.now()})
        .where((Registration.id == registration.id) & Registration.status.is_in(list(frm)))
        .returning(Registration.id)
    )
    if rows:
        registration.status = to
    return bool(rows)


async def _drop_bookings(registration: Registration) -> None:
    """Give back every workshop seat the person holds (in the caller's transaction)."""
    dropped = (
        await Booking.delete()
        .where(Booking.registration == registration.id)
        .returning(Booking.session)
    )
    for row in dropped:
        await seats.release(seats.session_key(row["session"]))


async def cancel(forum: Forum, registration: Registration, *, by: str) -> Registration:
    """Cancel; a held seat goes at once to the first person in line who fits it, and no
    workshop seat stays with a registration that is not confirmed."""
    categories = await catalogue.ensure_categories(forum)
    async with transaction():
        await seats.lock(seats.forum_key(forum.id))
        if await _move(registration, (Status.CONFIRMED,), Status.CANCELLED):
            category = next(c for c in categories if c.id == registration.category)
            await seats.release_seat(forum, category, categories)
            # Workshop seats before the promotion, so the next person can have them.
            await _drop_bookings(registration)
            await notify.tell(forum, registration, "cancelled", extra={"by": by})
            await promote_next(forum, categories)
        else:
            if await _move(registration, (Status.WAITLISTED,), Status.CANCELLED):
                await seats.leave_line(forum.id)
                await notify.tell(forum, registration, "cancelled", extra={"by": by})
            elif await _move(registration, (Status.PENDING,), Status.CANCELLED):
                await notify.tell(forum, registration, "cancelled", extra={"by": by})
            # else: already cancelled or rejected; cancelling twice changes nothing more.
            # Only a confirmed person books (book_session checks it in its transaction), so
            # this finds nothing, unless a booking raced a cancel before that check existed.
            await _drop_bookings(registration)
    notify.deliver_soon()
    return registration


async def promote_next(forum: Forum, categories: list[Category]) -> Registration | None:
    """Inside a seat transaction: the first waiting person a free seat fits, confirmed."""
    if not seats.may_promote(forum):
        return None
    waiting = (
        await Registration.objects()
        .where((Registration.forum == forum.id) & (Registration.status == Status.WAITLISTED))
        .order_by(Registration.waitlist_order)
        .limit(LOOK_AHEAD)
    )
    for person in waiting:
        if await _confirm(forum, categories, person, frm=Status.WAITLISTED):
            return person
        if await seats.taken(seats.forum_key(forum.id)) >= forum.capacity > 0:
            return None  # no forum seat at all: nobody further down fits either
    return None


async def _confirm(
    forum: Forum, categories: list[Category], person: Registration, *, frm: Status
) -> bool:
    category = next(c for c in categories if c.id == person.category)
    if not await seats.take_seat(forum, category, categories):
        return False
    if not await _move(person, (frm,), Status.CONFIRMED):
        await seats.release_seat(forum, category, categories)
        return False
    if frm == Status.WAITLISTED:
        await seats.leave_line(forum.id)
    wanted = [int(s) for s in checks.loaded(person.wanted_sessions)]
    booked = []
    if wanted:
        workshops = await catalogue.workshops(forum)
        await seats.ensure(*(seats.session_key(s) for s in wanted))
        booked = await book(person, wanted, workshops, strict=False)
    template = "promoted" if frm == Status.WAITLISTED else "approved"
    await notify.tell(forum, person, template, sessions=booked)
    return True


async def promote(forum: Forum, registration: Registration) -> Registration:
    """The organizer moves this person from the waiting list to a free seat.

    Unlike `promote_next` (automatic, on a cancel), this ignores `seats.may_promote`: after
    registration closes or the forum starts nobody moves up by themselves, but an organizer
    giving a freed seat to someone in line by hand is a deliberate act and is allowed. The
    seat must still be free: capacity and category quotas hold as always.
    """
    categories = await catalogue.ensure_categories(forum)
    async with transaction():
        await seats.lock(seats.forum_key(forum.id))
        if registration.status != Status.WAITLISTED:
            raise WrongStatus(_("Only a person on the waiting list can be moved up."))
        if not await _confirm(forum, categories, registration, frm=Status.WAITLISTED):
            raise ForumFull(_("No seat is free for this person's category."))
    notify.deliver_soon()
    return registration


async def approve(forum: Forum, registration: Registration) -> Registration:
    """Approve a pending registration: a seat if one is free, else the waiting list."""
    categories = await catalogue.ensure_categories(forum)
    async with transaction():
        await seats.lock(seats.forum_key(forum.id))
        if registration.status != Status.PENDING:
            raise WrongStatus(_("Only a registration awaiting approval can be approved."))
        if await _confirm(forum, categories, registration, frm=Status.PENDING):
            pass
        elif forum.waitlist:
            order, position = await seats.join_line(forum.id)
            await Registration.update(
                {
                    Registration.status: Status.WAITLISTED,
                    Registration.waitlist_order: order,
                    Registration.updated_at: time.now(),
                }
            ).where((Registration.id == registration.id) & (Registration.status == Status.PENDING))
            registration.status, registration.waitlist_order = Status.WAITLISTED, order
            await notify.tell(forum, registration, "waitlisted", waitlist_position=position)
        else:
            raise ForumFull(_("This forum is full."))
    notify.deliver_soon()
    return registration


async def reject(forum: Forum, registration: Registration) -> Registration:
    """Turn down a registration awaiting approval (or waiting for a seat)."""
    async with transaction():
        if await _move(registration, (Status.WAITLISTED,), Status.REJECTED):
            await seats.leave_line(forum.id)
        elif not await _move(registration, (Status.PENDING,), Status.REJECTED):
            raise WrongStatus(_("Only a pending or waiting registration can be rejected."))
        await notify.tell(forum, registration, "rejected")
    notify.deliver_soon()
    return registration


async def waitlist_position(forum: Forum, registration: Registration) -> int | None:
    """The current place in line, 1 = next; None unless waiting."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = await Registration.count().where(
        (Registration.forum == forum.id)
        & (Registration.status == Status.WAITLISTED)
        & (Registration.waitlist_order < registration.waitlist_order)
    )
    return ahead + 1


DECISIONS = ("approve", "reject", "promote", "cancel")


async def decide(
    forum: Forum, registration_id: int, action: str, *, by: str, actor: Actor
) -> Registration:
    """An organizer's decision by name on a registration of this forum (in the trail)."""
    if action not in DECISIONS:
        raise NotFound(_("There is no such action."))
    registration = (
        await Registration.objects()
        .where((Registration.forum == forum.id) & (Registration.id == registration_id))
        .first()
    )
    if registration is None:
        raise NotFound(_("There is no such registration."))
    if action == "approve":
        await approve(forum, registration)
    elif action == "reject":
        await reject(forum, registration)
    elif action == "promote":
        await promote(forum, registration)
    else:
        await cancel(forum, registration, by=by)
    await audit.record(forum, actor, f"registration.{action}", count=1, ids=[registration.id])
    return registration
