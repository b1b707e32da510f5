"""Tickets: issued to confirmed registrations, reissued to revoke, resolved at the door."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration_services
from forum_mgmt.registration.tables import Registration, Status
from forum_mgmt.tickets import codes, queries
from forum_mgmt.tickets.keys import forum_key
from forum_mgmt.tickets.tables import Ticket


class NotConfirmed(Conflict):
    code = "not_confirmed"


@dataclass(frozen=True)
class Issued:
    registration_id: int  # what the code carries; the API calls it the ticket's `id`
    serial: int
    code: str


async def issue(forum: Forum, registration: Registration) -> Issued:
    """The current ticket of a confirmed registration (made on first use); its code is the
    QR payload and what a scanner sends."""
    if registration.status != Status.CONFIRMED:
        raise NotConfirmed(_("A ticket comes with a confirmed registration."))
    row = await _current(registration.id)
    if row is None:
        # unique registration: of two racing first issues, one inserts, both read it back
        made = await queries.insert_first(registration.id, forum.id, time.now())
        row = made[0] if made else await _current(registration.id)
        if row is None:  # inserted by one of the two, read back by both: cannot be missing
            raise RuntimeError(f"no ticket row for registration {registration.id}")
    return await _code(forum, registration.id, row["serial"])


async def reissue(forum: Forum, registration: Registration) -> Issued:
    """A new code for the same registration; every older code now reads `revoked`."""
    await issue(forum, registration)
    rows = (
        await Ticket.update({Ticket.serial: Ticket.serial + 1, Ticket.issued_at: time.now()})
        .where(Ticket.registration == registration.id)
        .returning(Ticket.serial)
    )
    return await _code(forum, registration.id, rows[0]["serial"])


async def reissue_by_id(forum: Forum, registration_id: int) -> Issued:
    """Reissue the ticket of this forum's registration; another forum's is NotFound."""
    registration = await registration_services.get_registration(forum, registration_id)
    return await reissue(forum, registration)


async def current_serial(registration_id: int) -> int | None:
    row = await _current(registration_id)
    return row["serial"] if row else None


async def _current(registration_id: int) -> dict | None:
    return await Ticket.select(Ticket.serial).where(Ticket.registration == registration_id).first()


async def _code(forum: Forum, registration_id: int, serial: int) -> Issued:
    keys = await forum_key(forum)
    return Issued(
        registration_id, serial, codes.sign(keys.private, forum.id, registration_id, serial)
    )


async def issue_many(forum: Forum, registrations: list[Registration]) -> dict[int, Issued]:
    """The current ticket of each confirmed registration, made where missing; in a few
    queries and with one key lookup, for badge runs of thousands."""
    if any(r.status != Status.CONFIRMED for r in registrations):
        raise NotConfirmed(_("A ticket comes with a confirmed registration."))
    keys = await forum_key(forum)
    serials: dict[int, int] = {}
    for start in range(0, len(registrations), _CHUNK):
        ids = [r.id for r in registrations[start : start + _CHUNK]]
        serials.update(await _serials(ids))
        if missing := [i for i in ids if i not in serials]:
            issued_at = time.now()
            await Ticket.insert(
                *(
                    Ticket(registration=i, forum=forum.id, serial=1, issued_at=issued_at)
                    for i in missing
                )
            ).on_conflict(target=Ticket.registration, action="DO NOTHING")
            serials.update(await _serials(missing))
    return {
        i: Issued(i, serial, codes.sign(keys.private, forum.id, i, serial))
        for i, serial in serials.items()
    }


_CHUNK = 500  # ids in one IN (...): well under SQLite's 999 bound parameters


async def _serials(ids: list[int]) -> dict[int, int]:
    rows = await Ticket.select(Ticket.registration, Ticket.serial).where(
        Ticket.registration.is_in(ids)
    )
    return {r["registration"]: r["serial"] for r in rows}


# The attendee's copy of their data ----------------------------------------------------


# The person's check-ins are the checkin domain's, to the right of tickets: it installs
# their reader at start-up (app.py), as mail.register_inline_image does for the QR.
CheckinsOf = Callable[[Registration], Awaitable[list[dict]]]
_checkins_of: list[CheckinsOf] = []


def register_checkins(source: CheckinsOf) -> None:
    """Install the reader of a person's check-ins (when, gate, session, undone_at)."""
    _checkins_of[:] = [source]


async def personal_data(forum: Forum, registration: Registration) -> dict:
    """Everything held about this person for this forum, as JSON: the registration, the
    answers by question, bookings, stars, check-ins and the messages sent to them."""
    if not _checkins_of:
        raise RuntimeError("no reader of check-ins installed (tickets.register_checkins)")
    checkins = await _checkins_of[0](registration)

    def at(instant):
        return time.local(instant, forum.timezone).isoformat() if instant else None

    r = registration
    answers = registration_services.loaded(r.answers)
    questions = await registration_services.questions(forum)
    category = next(
        c for c in await registration_services.ensure_categories(forum) if c.id == r.category
    )
    booked = await registration_services.booked_ids(r)
    starred = await registration_services.starred_ids(r)
    sessions = {
        s["id"]: s
        for s in await AgendaSession.select(
            AgendaSession.id,
            AgendaSession.title,
            AgendaSession.title_local,
            AgendaSession.starts_at,
            AgendaSession.ends_at,
        ).where((AgendaSession.forum == forum.id) & AgendaSession.id.is_in([*booked, *starred, 0]))
    }

    def session(sid: int) -> dict:
        s = sessions[sid]
        return {
            "id": sid,
            "title": s["title"],
            "title_local": s["title_local"],
            "starts_at": at(s["starts_at"]),
            "ends_at": at(s["ends_at"]),
        }

    mails = (
        await Outbox.select()
        .where((Outbox.forum_id == forum.id) & (Outbox.to == r.email))
        .order_by(Outbox.id)
    )
    return {
        "forum": {"slug": forum.slug, "name": forum.name, "name_local": forum.name_local},
        "registration": {
            "id": r.id,
            "name": r.name,
            "name_local": r.name_local,
            "email": r.email,
            "organization": r.organization,
            "title": r.title,
            "country": r.country,
            "dietary": r.dietary,
            "accessibility": r.accessibility,
            "category": category.code,
            "category_name": category.name,
            "status": r.status,
            "language": r.language,
            "created_at": at(r.created_at),
            "updated_at": at(r.updated_at),
            "consent": r.consent,
            "consent_version": r.consent_version,
            "consented_at": at(r.consented_at),
        },
        "answers": {
            q.label: answers[str(q.id)] for q in questions if answers.get(str(q.id), "") != ""
        },
        "bookings": [session(sid) for sid in booked if sid in sessions],
        "stars": [session(sid) for sid in starred if sid in sessions],
        "checkins": [{**c, "at": at(c["at"]), "undone_at": at(c["undone_at"])} for c in checkins],
        "mails": [
            {
                "kind": m["template"],
                "subject": mail.subject(m),
                "queued_at": at(m["created_at"]),
                "sent_at": at(m["sent_at"]),
                "status": m["status"],
            }
            for m in mails
        ],
    }
