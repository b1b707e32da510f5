"""The private ticket page: find by token, edit details, book and drop workshops."""

from __future__ import annotations

import msgspec

from forum_mgmt.audit import services as audit
from forum_mgmt.audit.services import Actor
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import LANGUAGES, _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.schemas import DetailsIn
from forum_mgmt.registration.services import catalogue, checks, seats, stars
from forum_mgmt.registration.services.register import SessionFull, is_unique_violation
from forum_mgmt.registration.services.waitlist import WrongStatus
from forum_mgmt.registration.tables import Booking, Registration, Status


class InvalidLanguage(DomainError):
    status_code, code = 422, "invalid_language"


async def by_token(token: str) -> tuple[Forum, Registration]:
    """The registration behind a private link, and its forum; a wrong token is NotFound."""
    if not token or len(token) > 64:
        raise NotFound(_("This ticket link is not valid."))
    registration = await Registration.objects().where(Registration.token == token).first()
    if registration is None or registration.status == Status.UNCONFIRMED:
        raise NotFound(_("This ticket link is not valid."))
    forum = await Forum.objects().where(Forum.id == registration.forum).first()
    if forum is None:  # the foreign key makes this impossible; say so rather than pass None
        raise NotFound(_("This ticket link is not valid."))
    return forum, registration


async def update_details(
    forum: Forum, registration: Registration, data: DetailsIn, *, by: Actor | None
) -> Registration:
    """Change the person's details; the same rules as at sign-up. `by` an organizer (the
    edit goes into the trail) or None for the person themself. Consent is never touched:
    the version accepted and when stay as given at sign-up."""
    fields: dict[str, str] = {}
    clean = {name: checks.check_text(fields, name, getattr(data, name)) for name in checks.LIMITS}
    country = checks.check_country(fields, data.country)
    answers = checks.check_answers(fields, await catalogue.questions(forum), data.answers)
    checks.raise_if(fields)
    data = msgspec.structs.replace(data, **clean, country=country)
    for name in (*checks.LIMITS, "country"):
        setattr(registration, name, getattr(data, name))
    registration.answers = answers
    registration.updated_at = time.now()
    await registration.save(
        [getattr(Registration, n) for n in (*checks.LIMITS, "country")]
        + [Registration.answers, Registration.updated_at]
    )
    if by is not None:
        await audit.record(forum, by, "registration.edit", count=1, ids=[registration.id])
    return registration


async def set_language(registration: Registration, language: str) -> Registration:
    """The language of the person's mails, ticket page and calendar from now on."""
    if language not in LANGUAGES:
        raise InvalidLanguage(
            _("Choose English or Traditional Chinese."), fields={"language": _("Unknown.")}
        )
    registration.language = language
    registration.updated_at = time.now()
    await registration.save([Registration.language, Registration.updated_at])
    return registration


async def booked_ids(registration: Registration) -> list[int]:
    rows = await Booking.select(Booking.session).where(Booking.registration == registration.id)
    return sorted(r["session"] for r in rows)


async def book_session(forum: Forum, registration: Registration, session_id: int) -> None:
    """A seat in one workshop, for a confirmed person, if one is free."""
    if registration.status != Status.CONFIRMED:
        raise WrongStatus(_("Workshops can be booked once your registration is confirmed."))
    workshop = next((w for w in await catalogue.workshops(forum) if w["id"] == session_id), None)
    if workshop is None:
        raise NotFound(_("There is no such workshop."))
    await seats.ensure(seats.session_key(session_id))
    try:
        async with transaction():
            # The guarding write first: the status as the database has it, not as the caller
            # read it, with the registration's row held until commit. A cancel (which takes
            # the same row, then drops the bookings) runs wholly before or after this.
            # It moves updated_at, which the personal feed's Last-Modified follows.
            still = (
                await Registration.update(
                    {Registration.status: Registration.status, Registration.updated_at: time.now()}
                )
                .where(
                    (Registration.id == registration.id) & (Registration.status == Status.CONFIRMED)
                )
                .returning(Registration.id)
            )
            if not still:
                raise WrongStatus(_("Workshops can be booked once your registration is confirmed."))
            # Then the booking: a second click hits the unique key before any seat moves.
            await Booking.insert(
                Booking(registration=registration.id, session=session_id, created_at=time.now())
            )
            if not await seats.take(seats.session_key(session_id), workshop["seats"]):
                raise SessionFull(_("This workshop is full."))
    except Exception as err:
        if not is_unique_violation(err):
            raise
        # Booked already (a double click): the seat taken above was rolled back.


async def drop_session(forum: Forum, registration: Registration, session_id: int) -> None:
    """Give a workshop seat back (dropping twice changes nothing)."""
    async with transaction():
        rows = (
            await Booking.delete()
            .where((Booking.registration == registration.id) & (Booking.session == session_id))
            .returning(Booking.id)
        )
        if rows:
            await seats.release(seats.session_key(session_id))
            await stars.touch(registration)


async def my_session_ids(registration: Registration) -> list[int]:
    """What goes into the attendee's own calendar: booked workshops and starred sessions."""
    return sorted({*await booked_ids(registration), *await stars.starred_ids(registration)})


async def bookings_of(forum: Forum, session_id: int) -> int:
    """How many people hold a seat in this session of this forum (for the capacity clash)."""
    return await Booking.count().where(
        (Booking.session == session_id) & (Booking.session.forum == forum.id)
    )
