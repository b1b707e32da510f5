"""The organizer's side: the notices waiting, holding them while rearranging, sending now;
and a person's own opt-out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forum_mgmt.agenda.tables import Speaker
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.notices.services.people import Person, signed
from forum_mgmt.notices.tables import NoticeOptOut, PendingNotice
from forum_mgmt.registration.tables import Registration


@dataclass
class Waiting:
    """One person's notices waiting: who, which sessions, when the mail goes."""

    person: Person
    name: str
    name_local: str
    email: str
    speaker: bool
    due_at: dt.datetime
    sessions: list[tuple[str, str]] = field(default_factory=list)


async def waiting(forum: Forum) -> list[Waiting]:
    """Everyone with notices waiting, soonest mail first (one query)."""
    rows = await (
        PendingNotice.select(
            PendingNotice.registration,
            PendingNotice.speaker,
            PendingNotice.due_at,
            PendingNotice.registration.name.as_alias("reg_name"),
            PendingNotice.registration.name_local.as_alias("reg_name_local"),
            PendingNotice.registration.email.as_alias("reg_email"),
            PendingNotice.speaker.name.as_alias("sp_name"),
            PendingNotice.speaker.name_local.as_alias("sp_name_local"),
            PendingNotice.speaker.email.as_alias("sp_email"),
            PendingNotice.session.title.as_alias("title"),
            PendingNotice.session.title_local.as_alias("title_local"),
        )
        .where(PendingNotice.forum == forum.id)
        .order_by(PendingNotice.due_at)
        .order_by(PendingNotice.session.starts_at)
        .order_by(PendingNotice.id)
    )
    people: dict[str, Waiting] = {}
    for r in rows:
        person = Person.of_row(r)
        speaker = person.kind == "s"
        prefix = "sp_" if speaker else "reg_"
        entry = people.setdefault(
            person.ref,
            Waiting(
                person,
                r[f"{prefix}name"] or "",
                r[f"{prefix}name_local"] or "",
                r[f"{prefix}email"] or "",
                speaker,
                r["due_at"],
            ),
        )
        entry.sessions.append((r["title"], r["title_local"]))
    return sorted(people.values(), key=lambda w: (w.due_at, w.person.ref))


async def hold(forum: Forum, *, held: bool) -> Forum:
    """Hold the forum's notices (none goes while the organizer rearranges), or release
    them (each goes at its time; a time passed while held means at the next delivery)."""
    forum.notices_held = held
    await Forum.update({Forum.notices_held: held}).where(Forum.id == forum.id)
    return forum


async def send_now(forum: Forum) -> int:
    """Release the forum's notices and make every one due now; returns how many people."""
    async with transaction():
        rows = (
            await PendingNotice.update({PendingNotice.due_at: time.now()})
            .where(PendingNotice.forum == forum.id)
            .returning(PendingNotice.registration, PendingNotice.speaker)
        )
        await hold(forum, held=False)
    return len({Person.of_row(r) for r in rows})


async def person_of_link(ref: str, sig: str) -> tuple[Forum, Person, str]:
    """The forum, person and name an opt-out link names; a forged or stale link is NotFound."""
    person = Person.parse(ref)
    gone = NotFound(_("This link is not valid."))
    if person is None:
        raise gone
    table = Registration if person.kind == "r" else Speaker
    row = (
        await table.select(table.forum, table.name, table.name_local)
        .where(table.id == person.id)
        .first()
    )
    if row is None:
        raise gone
    forum = await Forum.objects().where(Forum.id == row["forum"]).first()
    if forum is None or not signed(forum, person, sig):
        raise gone
    return forum, person, row["name_local"] or row["name"]


async def opted_out(person: Person) -> bool:
    column = NoticeOptOut.registration if person.kind == "r" else NoticeOptOut.speaker
    return await NoticeOptOut.exists().where(column == person.id)


async def opt_out(forum: Forum, person: Person) -> None:
    """No more notices for this person (and none of those waiting); twice is once."""
    async with transaction():
        await NoticeOptOut.insert(
            NoticeOptOut(
                forum=forum.id,
                registration=person.id if person.kind == "r" else None,
                speaker=person.id if person.kind == "s" else None,
                created_at=time.now(),
            )
        ).on_conflict(action="DO NOTHING")
        await PendingNotice.delete().where(person.pending())


async def forget(registration_ids: list[int]) -> None:
    """Privacy: the notices waiting for these registrations go with their personal data."""
    if registration_ids:
        await PendingNotice.delete().where(PendingNotice.registration.is_in(registration_ids))
