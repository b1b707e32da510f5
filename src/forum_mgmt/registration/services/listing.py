"""The organizer's view: find, filter, count, export and write to registrations."""

from __future__ import annotations

import bisect
import csv
import functools
import io
import operator
from dataclasses import dataclass

from piccolo.columns.combination import Combinable

from forum_mgmt.audit import services as audit
from forum_mgmt.audit.services import Actor
from forum_mgmt.core import text as input_text
from forum_mgmt.core import time
from forum_mgmt.core.db import is_postgres, transaction
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import N_, _, localized
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import queries
from forum_mgmt.registration.questions import kind_of
from forum_mgmt.registration.services import catalogue, checks, notify
from forum_mgmt.registration.tables import Booking, Category, Question, Registration, Status

MAX_LIMIT = 1000


@dataclass
class Filters:
    status: str = ""
    category: str = ""
    session: int | None = None
    q: str = ""


@dataclass
class Row:
    registration: Registration
    category: str
    session_ids: list[int]
    waitlist_position: int | None


async def get_registration(forum: Forum, registration_id: int) -> Registration:
    """A registration of this forum; another forum's is NotFound."""
    row = (
        await Registration.objects()
        .where((Registration.forum == forum.id) & (Registration.id == registration_id))
        .first()
    )
    if row is None:
        raise NotFound(_("There is no such registration."))
    return row


async def row_of(forum: Forum, registration_id: int) -> Row:
    """One registration of this forum as the organizer's list shows it."""
    regs = await Registration.objects(Registration.category).where(
        (Registration.forum == forum.id) & (Registration.id == registration_id)
    )
    if not regs:
        raise NotFound(_("There is no such registration."))
    return (await _rows(forum, regs))[0]


async def open_registration(forum: Forum, registration_id: int, *, by: Actor) -> Row:
    """One registration of this forum opened by an organizer (recorded in the trail)."""
    row = await row_of(forum, registration_id)
    await audit.record(forum, by, "registration.open", count=1, ids=[registration_id])
    return row


async def browse(
    forum: Forum, filters: Filters, *, limit: int, offset: int, by: Actor
) -> tuple[list[Row], bool]:
    """The organizer's list (a page of it, and whether more follow), recorded in the trail:
    how many people were shown and that it was a search, never what was searched for."""
    limit = max(1, min(limit, MAX_LIMIT))
    rows = await list_registrations(forum, filters, limit=limit + 1, offset=offset)
    rows, more = rows[:limit], len(rows) > limit
    await audit.record(
        forum,
        by,
        "registrations.list",
        count=len(rows),
        ids=[r.registration.id for r in rows],
        searched=bool(filters.q.strip()),
    )
    return rows, more


def _where(forum: Forum, filters: Filters) -> Combinable:
    where: Combinable = Registration.forum == forum.id
    if filters.status:
        where &= Registration.status == filters.status
    else:  # not attendees (no seat, no ticket): listed only when asked for by status
        where &= Registration.status != Status.UNCONFIRMED
    if filters.category:
        where &= Registration.category.code == filters.category
    if filters.session is not None:
        where &= Registration.id.is_in(
            Booking.select(Booking.registration).where(Booking.session == filters.session)
        )
    if q := filters.q.strip():
        pattern = f"%{q}%"
        # SQLite's LIKE already ignores ASCII case (and Piccolo warns about ILIKE there).
        op = "ilike" if is_postgres() else "like"
        columns = (
            Registration.name,
            Registration.name_local,
            Registration.email,
            Registration.organization,
        )
        where &= functools.reduce(operator.or_, (getattr(c, op)(pattern) for c in columns))
    return where


async def list_registrations(
    forum: Forum,
    filters: Filters | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    after: int = 0,
) -> list[Row]:
    """Registrations in a stable order (oldest first), with what the API shows of each.
    `after`: only those with a larger id, for reading all of them a page at a time (an
    OFFSET skips its rows again on every page: reading n rows would cost n²/2)."""
    limit = max(1, min(limit, MAX_LIMIT))
    where = _where(forum, filters or Filters())
    if after:
        where &= Registration.id > after
    regs = await (
        Registration.objects(Registration.category)
        .where(where)
        .order_by(Registration.id)
        .limit(limit)
        .offset(max(offset, 0))
    )
    return await _rows(forum, regs)


async def _rows(forum: Forum, regs: list[Registration]) -> list[Row]:
    bookings: dict[int, list[int]] = {}
    if regs:
        for b in await Booking.select(Booking.registration, Booking.session).where(
            Booking.registration.is_in([r.id for r in regs])
        ):
            bookings.setdefault(b["registration"], []).append(b["session"])
    orders = await waiting_orders(forum)
    return [
        Row(
            registration=r,
            category=r.category.code,
            session_ids=sorted(bookings.get(r.id, [])),
            waitlist_position=bisect.bisect_left(orders, r.waitlist_order) + 1
            if r.status == Status.WAITLISTED
            else None,
        )
        for r in regs
    ]


async def waiting_orders(forum: Forum) -> list[int]:
    rows = (
        await Registration.select(Registration.waitlist_order)
        .where((Registration.forum == forum.id) & (Registration.status == Status.WAITLISTED))
        .order_by(Registration.waitlist_order)
    )
    return [r["waitlist_order"] for r in rows]


async def counts(forum: Forum) -> dict[str, dict[str, int]]:
    """How many per status and per category (active registrations only for categories);
    sign-ups whose address is unconfirmed are in neither."""
    return {
        "status": await queries.per_status(forum.id),
        "category": await queries.active_per_category_code(forum.id),
    }


CSV_FIELDS = [
    "id",
    "status",
    "waitlist_position",
    "category",
    "name",
    "name_local",
    "email",
    "organization",
    "title",
    "country",
    "dietary",
    "accessibility",
    "session_ids",
    "created_at",
]

# Each column's header, in the language of the organizer who downloads the file.
CSV_HEADERS = {
    "id": N_("ID"),
    "status": N_("Status"),
    "waitlist_position": N_("Place in line"),
    "category": N_("Category"),
    "name": N_("Name"),
    "name_local": N_("Name in a second script"),
    "email": N_("Email"),
    "organization": N_("Organisation"),
    "title": N_("Job title"),
    "country": N_("Country"),
    "dietary": N_("Dietary needs"),
    "accessibility": N_("Accessibility needs"),
    "session_ids": N_("Workshops"),
    "created_at": N_("Registered at"),
}


async def export_csv(forum: Forum, filters: Filters, *, by: Actor) -> bytes:
    """UTF-8 with a BOM, so that spreadsheets open Chinese names correctly; recorded in the
    trail with every registration it holds."""
    exported: list[int] = []
    # Encoded as it is written: a StringIO would hold Chinese text at 4 bytes a character
    # and then a second, encoded copy (7 times the file at the peak for 100k people).
    buf = io.BytesIO()
    text = io.TextIOWrapper(buf, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    questions = await catalogue.questions(forum)
    writer.writerow(
        [_(CSV_HEADERS[f]) for f in CSV_FIELDS] + [localized(q, "label") for q in questions]
    )
    last = 0
    while rows := await list_registrations(forum, filters, limit=MAX_LIMIT, after=last):
        last = rows[-1].registration.id
        for row in rows:
            r = row.registration
            exported.append(r.id)
            answers = checks.loaded(r.answers)
            values = {
                "id": r.id,
                "status": r.status,
                "waitlist_position": row.waitlist_position or "",
                "category": row.category,
                "name": r.name,
                "name_local": r.name_local,
                "email": r.email,
                "organization": r.organization,
                "title": r.title,
                "country": r.country,
                "dietary": r.dietary,
                "accessibility": r.accessibility,
                "session_ids": " ".join(str(s) for s in row.session_ids),
                "created_at": time.local(r.created_at, forum.timezone).isoformat(),
            }
            writer.writerow(
                [_cell(values[f]) for f in CSV_FIELDS]
                + [_cell(_answer(q, answers.get(str(q.id), ""))) for q in questions]
            )
    await audit.record(
        forum,
        by,
        "registrations.export",
        count=len(exported),
        ids=exported,
        searched=bool(filters.q.strip()),
    )
    text.flush()
    return buf.getvalue()


def _answer(question: Question, value: str) -> str:
    return kind_of(question).csv(value) if value else ""


def _cell(value) -> str:
    text = str(value)
    # A cell that starts like a formula would run in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


async def mail_group(
    forum: Forum,
    filters: Filters,
    *,
    subject: str,
    body: str,
    subject_local: str = "",
    body_local: str = "",
    by: Actor,
) -> int:
    """Queue one message to every registration the filters select (recorded in the trail
    with them), each in its reader's language when the organizer gave the text in both;
    returns how many."""
    fields: dict[str, str] = {}
    subject = input_text.check(fields, "subject", subject)
    body = input_text.check(fields, "body", body, long=True)
    subject_local = input_text.check(fields, "subject_local", subject_local)
    body_local = input_text.check(fields, "body_local", body_local, long=True)
    if not subject or len(subject) > 200:
        fields.setdefault("subject", _("Between 1 and 200 characters, on one line."))
    if not body or len(body) > 10_000:
        fields.setdefault("body", _("Between 1 and 10,000 characters."))
    if len(subject_local) > 200:
        fields.setdefault("subject_local", _("At most 200 characters, on one line."))
    if len(body_local) > 10_000:
        fields.setdefault("body_local", _("At most 10,000 characters."))
    checks.raise_if(fields)
    texts = {"subject": subject, "subject_local": subject_local}
    texts |= {"body": body, "body_local": body_local}
    sent: list[int] = []
    async with transaction():
        last = 0
        while rows := await list_registrations(forum, filters, limit=MAX_LIMIT, after=last):
            last = rows[-1].registration.id
            for row in rows:
                await notify.tell(
                    forum,
                    row.registration,
                    "message",
                    extra={"subject": subject, "body": body, "texts": texts},
                )
                sent.append(row.registration.id)
        await audit.record(
            forum,
            by,
            "registrations.mail",
            count=len(sent),
            ids=sent,
            searched=bool(filters.q.strip()),
        )
    notify.deliver_soon()
    return len(sent)


async def mail_log(forum: Forum, *, by: Actor, limit: int = 100) -> list[dict]:
    """The latest messages about this forum: what went out, what still waits (their
    addresses are personal data: the reading is recorded in the trail).

    Matched on the forum the message is about, never on the address: the same person may
    be registered for other forums (other tenants), whose mail is not this organizer's.
    """
    messages = await (
        Outbox.select(
            Outbox.id,
            Outbox.to,
            Outbox.template,
            Outbox.status,
            Outbox.attempts,
            Outbox.last_error,
            Outbox.created_at,
            Outbox.sent_at,
        )
        .where(Outbox.forum_id == forum.id)
        .order_by(Outbox.id, ascending=False)
        .limit(limit)
    )
    await audit.record(forum, by, "mail.log", count=len({m["to"] for m in messages}))
    return messages


async def categories_of(forum: Forum) -> list[Category]:
    return await Category.objects().where(Category.forum == forum.id).order_by(Category.position)
