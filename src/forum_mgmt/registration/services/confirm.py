"""The email confirmation link: a sign-up held unconfirmed gets its decision when opened.

The link's GET only shows a button; the POST confirms, so that mail systems that open
links to scan them confirm nothing. The seat is taken at that moment, in the same
transaction and lock order as a sign-up (seats.py), and the code works once: the
conditional UPDATE that spends it is the guarding write.
"""

from __future__ import annotations

from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.services import catalogue, checks, notify, seats
from forum_mgmt.registration.services.register import (
    ForumFull,
    Outcome,
    book,
    open_forum_or_raise,
)
from forum_mgmt.registration.tables import Registration, Status


class InvalidConfirmation(NotFound):
    code = "invalid_confirmation"


def _invalid() -> InvalidConfirmation:
    return InvalidConfirmation(
        _(
            "This confirmation link does not work any more: it was used already, or it "
            "expired. Sign up again to get a new one."
        )
    )


def _usable(forum: Forum, code: str):
    return (
        (Registration.forum == forum.id)
        & (Registration.confirm_code == code)
        & (Registration.status == Status.UNCONFIRMED)
        & (Registration.confirm_until > time.now())
    )


async def pending(forum: Forum, code: str) -> Registration:
    """The unconfirmed sign-up behind a link; a used, expired or wrong link is NotFound."""
    if not code or len(code) > 64:
        raise _invalid()
    registration = await Registration.objects().where(_usable(forum, code)).first()
    if registration is None:
        raise _invalid()
    return registration


async def confirm(forum: Forum, code: str) -> Outcome:
    """Confirm, wait-list or hold for approval now, once per link; never overbook."""
    open_forum_or_raise(forum)
    registration = await pending(forum, code)
    categories = await catalogue.ensure_categories(forum)
    category = next(c for c in categories if c.id == registration.category)
    wanted = [int(s) for s in checks.loaded(registration.wanted_sessions)]
    if wanted:
        await seats.ensure(*(seats.session_key(s) for s in wanted))
    position = None
    async with seats.gate(forum.id), transaction():
        changes: dict = {
            Registration.confirm_code: None,
            Registration.confirm_until: None,
            Registration.updated_at: time.now(),
        }
        # The seat first, then the registration's row (seats.py's lock order).
        if forum.approval or category.approval:
            status = Status.PENDING
        elif await seats.take_seat(forum, category, categories):
            status = Status.CONFIRMED
        elif forum.waitlist:
            status = Status.WAITLISTED
            order, position = await seats.join_line(forum.id)
            changes[Registration.waitlist_order] = order
            registration.waitlist_order = order
        else:
            raise ForumFull(_("This forum is full."))
        changes[Registration.status] = status
        spent = (
            await Registration.update(changes)
            .where((Registration.id == registration.id) & _usable(forum, code))
            .returning(Registration.id)
        )
        if not spent:  # opened twice at once: the other one won; undo this one's seat
            raise _invalid()
        registration.status = status
        registration.confirm_code = registration.confirm_until = None
        booked = []
        if status == Status.CONFIRMED and wanted:
            # A workshop that filled up meanwhile is skipped: nobody is there to choose again.
            workshops = await catalogue.workshops(forum)
            booked = await book(registration, wanted, workshops, strict=False)
        await notify.tell(
            forum, registration, str(status), waitlist_position=position, sessions=booked
        )
    notify.deliver_soon()
    return Outcome(registration, position)
