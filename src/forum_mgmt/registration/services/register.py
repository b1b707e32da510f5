"""Sign-up: confirm, wait-list or hold for approval; refuse cleanly; never overbook."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Protocol

import msgspec

from forum_mgmt.audit import services as audit
from forum_mgmt.audit.services import Actor
from forum_mgmt.core import i18n, time
from forum_mgmt.core.db import insert, transaction
from forum_mgmt.core.errors import Conflict, DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums import notice
from forum_mgmt.forums.tables import Forum, ForumStatus
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.services import catalogue, checks, limits, notify, seats
from forum_mgmt.registration.tables import Booking, Category, Registration, Status


class RegistrationClosed(DomainError):
    status_code, code = 409, "registration_closed"


class ForumFull(DomainError):
    status_code, code = 409, "full"


class SessionFull(DomainError):
    status_code, code = 409, "session_full"


class AlreadyRegistered(Conflict):
    code = "already_registered"


# A second sign-up with a known address re-sends the private link; anyone can ask, so at most
# once per address and forum in this time, or the form would flood someone's inbox.
RESEND_EVERY = dt.timedelta(minutes=10)
# How long a forum that confirms addresses keeps a sign-up waiting for its link.
CONFIRM_FOR = dt.timedelta(hours=48)


@dataclass
class Outcome:
    registration: Registration
    waitlist_position: int | None


@dataclass
class Mailbox:
    """The answer to a sign-up on a forum that confirms addresses: "check your mailbox",
    the same whether the address was new or already registered (no enumeration)."""

    email: str


class Admission(Protocol):
    """Let in by something a domain to the right issued (an invitation, a group code): the
    category it places the person in, what it lets them skip, and how it is spent. Its
    `claim` is the first write of the sign-up's transaction and raises to refuse (used up,
    revoked), so a sign-up that fails later gives the use back with everything else."""

    @property
    def category_code(self) -> str: ...

    @property
    def skip_approval(self) -> bool: ...

    @property
    def skip_quota(self) -> bool: ...

    @property
    def proven_email(self) -> str | None:
        """An address the issuer has proven (it mailed the link there): no confirmation."""

    async def claim(self) -> None: ...

    async def admitted(self, registration: Registration) -> None:
        """In the same transaction, once the registration has its id."""


def is_unique_violation(err: Exception) -> bool:
    if isinstance(err, sqlite3.IntegrityError):
        return "UNIQUE" in str(err)
    return type(err).__name__ == "UniqueViolationError"


def open_forum_or_raise(forum: Forum) -> None:
    if forum.status != ForumStatus.PUBLISHED:
        raise RegistrationClosed(_("This forum is not open for registration."))
    if not seats.is_open(forum):
        opens, _closes = seats.window(forum)
        if opens is not None and time.now() < opens:
            raise RegistrationClosed(_("Registration has not opened yet."))
        raise RegistrationClosed(_("Registration has closed."))


@dataclass
class Checked:
    data: RegistrationIn
    email: str
    category: Category
    categories: list[Category]
    answers: dict[str, str]
    session_ids: list[int]
    workshops: list[dict]


async def check(
    forum: Forum,
    data: RegistrationIn,
    *,
    by_organizer: bool = False,
    admission: Admission | None = None,
) -> Checked:
    """Every field at once: an InvalidRegistration names each field that needs attention."""
    fields: dict[str, str] = {}
    clean = {name: checks.check_text(fields, name, getattr(data, name)) for name in checks.LIMITS}
    email = checks.check_email(fields, data.email)
    country = checks.check_country(fields, data.country)
    if not data.consent:
        fields["consent"] = _("Registration needs your consent to the privacy notice.")
    categories, questions = await catalogue.form_setup(forum)
    code = admission.category_code if admission else data.category
    category = checks.pick_category(
        fields, categories, code, by_organizer=by_organizer or admission is not None
    )
    answers = checks.check_answers(fields, questions, data.answers)
    workshops = await catalogue.workshops(forum) if data.session_ids else []
    session_ids = checks.check_sessions(fields, workshops, data.session_ids)
    checks.raise_if(fields)
    assert category is not None  # noqa: S101 - raise_if refused a missing one
    data = msgspec.structs.replace(data, **clean, country=country, email=email)
    return Checked(data, email, category, categories, answers, session_ids, workshops)


async def book(
    registration: Registration, session_ids: list[int], workshops: list[dict], *, strict: bool
) -> list[dict]:
    """Seats in workshops for a confirmed person; a full one refuses (strict) or is skipped."""
    booked = []
    by_id = {w["id"]: w for w in workshops}
    for sid in sorted(session_ids):
        workshop = by_id.get(sid)
        if workshop is None:
            continue
        if not await seats.take(seats.session_key(sid), workshop["seats"]):
            if strict:
                raise SessionFull(
                    _("A workshop you chose is full."),
                    fields={"session_ids": _("Full: %(title)s") % {"title": workshop["title"]}},
                )
            continue
        await Booking.insert(
            Booking(registration=registration.id, session=sid, created_at=time.now())
        )
        booked.append(workshop)
    return booked


async def register(
    forum: Forum,
    data: RegistrationIn,
    *,
    by_organizer: bool = False,
    address: str | None = None,
    admission: Admission | None = None,
) -> Outcome | Mailbox:
    """Confirm, wait-list or hold for approval; never more confirmed seats than capacity.
    From the public (`address`: the client's), at most the forum's sign-ups per address
    and hour; on a forum that confirms addresses, the person's link decides (Mailbox).
    An `admission` places the person in its category, past what it lets them skip."""
    open_forum_or_raise(forum)
    c = await check(forum, data, by_organizer=by_organizer, admission=admission)
    if address is not None:
        await limits.take_signup(forum, address)
    reg = Registration(
        forum=forum.id,
        category=c.category.id,
        name=c.data.name,
        name_local=c.data.name_local,
        email=c.email,
        organization=c.data.organization,
        title=c.data.title,
        country=c.data.country,
        dietary=c.data.dietary,
        accessibility=c.data.accessibility,
        consent=True,
        # the notice in force now is the one accepted; no edit ever changes these two
        consent_version=await notice.current_version(forum),
        consented_at=time.now(),
        answers=c.answers,
        wanted_sessions=c.session_ids,
        token=secrets.token_urlsafe(24),
        language=c.data.language or i18n.current(),
        created_at=time.now(),
        updated_at=time.now(),
    )
    proven = admission is not None and admission.proven_email == c.email
    if forum.confirm_email and not by_organizer and not proven:
        return await _hold(forum, reg, admission)
    if c.session_ids:
        await seats.ensure(*(seats.session_key(s) for s in c.session_ids))
    position = None
    try:
        async with seats.gate(forum.id), transaction():
            # The guarding write comes first: the admission's use, the seat, then the row.
            if admission is not None:
                await admission.claim()
            skip_approval = admission is not None and admission.skip_approval
            if (forum.approval or c.category.approval) and not skip_approval:
                reg.status = Status.PENDING
            elif await seats.take_seat(forum, c.category, c.categories):
                reg.status = Status.CONFIRMED
            elif admission is not None and admission.skip_quota:
                await seats.force_seat(forum, c.category, c.categories)
                reg.status = Status.CONFIRMED
            elif forum.waitlist:
                reg.status = Status.WAITLISTED
                reg.waitlist_order, position = await seats.join_line(forum.id)
            else:
                raise ForumFull(_("This forum is full."))
            if reg.status == Status.CONFIRMED and c.session_ids:
                await insert(reg)
                booked = await book(reg, c.session_ids, c.workshops, strict=True)
                await notify.tell(forum, reg, str(reg.status), sessions=booked)
            else:  # the registration and its message in one statement (see db.insert)
                message = notify.message(forum, reg, str(reg.status), waitlist_position=position)
                await insert(reg, message)
            if admission is not None:
                await admission.admitted(reg)
    except Exception as err:
        if not is_unique_violation(err):
            raise
        # Two sign-ups with one email at once: the unique index let one through.
        existing = await _holding(forum, c.email)
        if existing is None:
            raise
        await _already_registered(forum, existing)
    notify.deliver_soon()
    return Outcome(reg, position)


async def register_for(forum: Forum, data: RegistrationIn, *, by: Actor) -> Outcome:
    """An organizer registers someone, in any category (recorded in the trail)."""
    outcome = await register(forum, data, by_organizer=True)
    assert isinstance(outcome, Outcome)  # noqa: S101 - an organizer's is never held for a link
    await audit.record(forum, by, "registration.add", count=1, ids=[outcome.registration.id])
    return outcome


async def _already_registered(forum: Forum, existing: Registration) -> None:
    """Send the private link again (or the pending confirmation link); tell nothing more."""
    pending = existing.status == Status.UNCONFIRMED
    await _resend(forum, existing, "confirm_email" if pending else "link")
    raise AlreadyRegistered(
        _(
            "This email address is already registered for this forum. "
            "We have sent the private link to it again."
        ),
        fields={"email": _("Already registered: check your inbox for the link.")},
    )


async def _resend(forum: Forum, existing: Registration, template: str) -> None:
    """Mail the address on file again, at most once per RESEND_EVERY (anyone can ask; the
    answer is the same whether mail went or not)."""
    async with transaction():
        # The guarding write first: it holds the registration's row until commit, so two
        # resends at once queue here and the second sees the first one's outbox row.
        await Registration.update({Registration.updated_at: Registration.updated_at}).where(
            Registration.id == existing.id
        )
        if not await notify.sent_lately(forum, existing, template, since=time.now() - RESEND_EVERY):
            await notify.tell(forum, existing, template, extra=confirm_context(forum, existing))
    notify.deliver_soon()


def confirm_url(forum: Forum, registration: Registration) -> str:
    base = get_settings().base_url
    return f"{base}/forums/{forum.slug}/register/confirm/{registration.confirm_code}"


def confirm_context(forum: Forum, registration: Registration) -> dict:
    """What the confirmation mail shows: the link, and until when it works (forum's zone)."""
    if registration.status != Status.UNCONFIRMED or registration.confirm_until is None:
        return {}
    until = time.local(registration.confirm_until, forum.timezone)
    return {
        "confirm_url": confirm_url(forum, registration),
        "confirm_until": f"{until:%Y-%m-%d %H:%M} ({forum.timezone})",
    }


async def _hold(forum: Forum, reg: Registration, admission: Admission | None) -> Mailbox:
    """Keep the sign-up unconfirmed (no seat, no ticket) and mail its confirmation link; an
    address already registered gets its private link (or its pending link) instead."""
    now = time.now()
    # Expired sign-ups of this forum go, this address's among them (the unique key held it):
    # whoever never opened the link leaves no data behind past the next sign-up.
    await Registration.delete().where(
        (Registration.forum == forum.id)
        & (Registration.status == Status.UNCONFIRMED)
        & (Registration.confirm_until <= now)
    )
    reg.status = Status.UNCONFIRMED
    reg.confirm_code = secrets.token_urlsafe(24)
    reg.confirm_until = now + CONFIRM_FOR
    message = notify.message(forum, reg, "confirm_email", extra=confirm_context(forum, reg))
    try:
        async with transaction():
            if admission is not None:  # the use is spent now; the link confirms the address
                await admission.claim()
            await insert(reg, message)
            if admission is not None:
                await admission.admitted(reg)
    except Exception as err:
        if not is_unique_violation(err):
            raise
        existing = await _holding(forum, reg.email)
        if existing is None:
            raise
        pending = existing.status == Status.UNCONFIRMED
        await _resend(forum, existing, "confirm_email" if pending else "link")
    notify.deliver_soon()
    return Mailbox(reg.email)


async def _holding(forum: Forum, email: str) -> Registration | None:
    """The registration this address holds at the forum (the one the unique key kept)."""
    return await (
        Registration.objects()
        .where((Registration.forum == forum.id) & (Registration.email == email))
        .first()
    )
