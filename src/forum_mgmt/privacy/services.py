"""What anonymised means, and who anonymises: the attendee, the retention period, the
organizer; and deleting a forum with everything in it.

Anonymising a registration removes every personal value of it from the database in one
transaction: the registration row's name (both scripts), e-mail, organisation, title,
country, dietary and accessibility needs, answers, wanted workshops and private link; its
stars; the name and address of the invitation it came through; the agenda change notices
waiting for it; and every message about the forum to its address (queued or sent). A whole
forum's invitations go the same way, with the notices of their declines. What stays is
what the forum's figures count: the row with its status, category, language, dates and
waiting-list number, its bookings, ticket serial and check-ins (which hold no personal
value: a gate, a nonce, the staff member who scanned). docs/privacy.md says it for people.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from dataclasses import dataclass

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import background, time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum, ForumStatus
from forum_mgmt.invitations import services as invitations
from forum_mgmt.mail import services as mail
from forum_mgmt.notices import services as notices
from forum_mgmt.privacy import queries
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import (
    Booking,
    Category,
    Counter,
    Registration,
    Star,
    Status,
)
from forum_mgmt.tickets.tables import Ticket

log = logging.getLogger("forum_mgmt.privacy")

CHUNK = 500  # addresses per statement: well under every engine's limit of parameters


class NotPast(Conflict):
    code = "forum_not_past"


class StillPublished(Conflict):
    code = "forum_published"


class WrongConfirmation(DomainError):
    status_code, code = 422, "confirmation_mismatch"


# One registration ---------------------------------------------------------------------


async def anonymise(forum: Forum, registration_: Registration) -> bool:
    """Remove every personal value of this registration of this forum; False when it was
    anonymised already (nothing changes twice)."""
    async with transaction():
        await mail.forget(forum.id, [registration_.email])
        await invitations.forget_admitted(forum, registration_.id)
        await notices.forget([registration_.id])
        await Star.delete().where(Star.registration == registration_.id)
        changed = await queries.anonymise(
            forum.id, registration_id=registration_.id, now=time.now()
        )
    return bool(changed)


@dataclass(frozen=True)
class Erased:
    forum: Forum
    registration_id: int
    cancelled: bool  # the seat was given back (the forum had not started)


def started(forum: Forum, now: dt.datetime | None = None) -> bool:
    """Whether the forum's first day has begun in its own zone."""
    return (now or time.now()) >= time.day_bounds(forum.starts_on, forum.timezone)[0]


def ended(forum: Forum, now: dt.datetime | None = None) -> bool:
    """Whether the forum's last day is over in its own zone."""
    return (now or time.now()) >= time.day_bounds(forum.ends_on, forum.timezone)[1]


async def erase(token: str) -> Erased:
    """The attendee's erasure: before the forum starts the registration is cancelled first
    (the seat goes to the waiting list), then a last message is queued to the address and
    every personal value removed; the private link finds nothing from then on.

    The last message is `ephemeral`: the mail worker blanks its address and body once it is
    delivered (or given up), so it is the only trace left, and only until it goes out."""
    forum, person = await registration.by_token(token)
    cancel = not started(forum) and person.status in (
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.PENDING,
    )
    async with transaction():  # the cancel's own transaction joins this one
        if cancel:
            await registration.cancel(forum, person, by="attendee")
        await mail.enqueue(
            person.email,
            "erased",
            language=person.language,
            context={
                "name": person.name,
                "name_local": person.name_local,
                "cancelled": cancel,
                "forum": {
                    "name": forum.name,
                    "name_local": forum.name_local,
                    "url": f"{get_settings().base_url}/forums/{forum.slug}",
                },
            },
            forum_id=forum.id,
            ephemeral=True,
        )
        await anonymise(forum, person)
    mail.kick()
    return Erased(forum, person.id, cancel)


# A whole forum --------------------------------------------------------------------------


async def anonymise_forum(forum: Forum) -> int:
    """Remove every personal value of every registration of the forum; returns how many
    registrations changed (0 on a second run)."""
    async with transaction():
        rows = await Registration.select(Registration.id, Registration.email).where(
            (Registration.forum == forum.id) & Registration.anonymised_at.is_null()
        )
        emails = [r["email"] for r in rows]
        for start in range(0, len(emails), CHUNK):
            await mail.forget(forum.id, emails[start : start + CHUNK])
            await notices.forget([r["id"] for r in rows[start : start + CHUNK]])
        await invitations.forget_forum(forum)
        await Star.delete().where(
            Star.registration.is_in(
                Registration.select(Registration.id).where(Registration.forum == forum.id)
            )
        )
        changed = await queries.anonymise(forum.id, registration_id=None, now=time.now())
    return len(changed)


def retention_ends(forum: Forum) -> dt.datetime:
    """When the forum's personal data is due to go: `retention_days` after its last day."""
    last = forum.ends_on + dt.timedelta(days=forum.retention_days)
    return time.day_bounds(last, forum.timezone)[1]


async def personal_count(forum: Forum) -> int:
    """Registrations of the forum that still hold personal values."""
    return await Registration.count().where(
        (Registration.forum == forum.id) & Registration.anonymised_at.is_null()
    )


async def apply_retention(*, now: dt.datetime | None = None) -> list[tuple[Forum, int]]:
    """Anonymise every forum whose retention period is over; returns (forum, how many) for
    each forum where something changed. Idempotent: for the hourly worker and for cron."""
    now = now or time.now()
    holding = await Forum.objects().where(
        Forum.id.is_in(
            Registration.select(Registration.forum).where(Registration.anonymised_at.is_null())
        )
        | Forum.id.is_in(invitations.forums_holding_guests())
    )
    done = []
    for forum in sorted(holding, key=lambda f: f.id):
        if retention_ends(forum) <= now and (count := await anonymise_forum(forum)):
            log.info("retention: anonymised %s registrations of %s", count, forum.slug)
            done.append((forum, count))
    return done


def _confirm(forum: Forum, typed: str) -> None:
    if typed.strip() != forum.slug:
        raise WrongConfirmation(
            _("Type the forum's address name to confirm."),
            fields={"confirm": _("Type %(slug)s exactly.") % {"slug": forum.slug}},
        )


async def purge(forum: Forum, *, confirm: str) -> int:
    """The organizer anonymises a forum that is over, at once (typing its slug)."""
    _confirm(forum, confirm)
    if not ended(forum):
        raise NotPast(_("Only a forum that is over can be anonymised at once."))
    return await anonymise_forum(forum)


async def delete_forum(forum: Forum, *, confirm: str) -> None:
    """Delete the forum with everything in it, in one transaction (typing its slug). A
    published forum that has not ended is refused: people hold tickets for it."""
    _confirm(forum, confirm)
    if forum.status == ForumStatus.PUBLISHED and not ended(forum):
        raise StillPublished(
            _("A published forum can be deleted once it is over; unpublish it first.")
        )
    regs = Registration.select(Registration.id).where(Registration.forum == forum.id)
    async with transaction():
        await mail.forget_forum(forum.id)
        categories = await Category.select(Category.id).where(Category.forum == forum.id)
        sessions = await AgendaSession.select(AgendaSession.id).where(
            AgendaSession.forum == forum.id
        )
        # The seat counters are keyed by name, not by a foreign key: removed by name.
        keys = [f"{kind}:{forum.id}" for kind in ("forum", "shared", "waitlist")]
        keys += [f"category:{c['id']}" for c in categories]
        keys += [f"session:{s['id']}" for s in sessions]
        await Counter.delete().where(Counter.key.is_in(keys))
        # The RESTRICT references first (check-ins and bookings name sessions, registrations
        # name categories), then the forum: every other table cascades from it.
        await Checkin.delete().where(Checkin.forum == forum.id)
        await Booking.delete().where(Booking.registration.is_in(regs))
        await Star.delete().where(Star.registration.is_in(regs))
        await Ticket.delete().where(Ticket.forum == forum.id)
        await Registration.delete().where(Registration.forum == forum.id)
        await Forum.delete().where(Forum.id == forum.id)
    log.info("deleted forum %s", forum.slug)


# The worker: retention applied by the server itself, hourly -------------------------------

INTERVAL = 3600.0  # seconds between retention runs
_task: asyncio.Task | None = None


async def _work() -> None:
    while True:
        try:
            await apply_retention()
        except Exception:  # the database may be away for a moment; the next hour retries
            log.exception("retention run failed")
        await asyncio.sleep(INTERVAL)


async def start_worker() -> None:
    """Apply retention from this process; PRIVACY_WORKER=off leaves it to
    `forum-mgmt privacy apply` (cron)."""
    global _task
    if os.environ.get("PRIVACY_WORKER", "on").lower() in ("off", "0", "false", "no"):
        return
    _task = asyncio.create_task(_work())


async def stop_worker() -> None:
    global _task
    await background.stop(_task)
    _task = None
