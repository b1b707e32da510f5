"""Collecting: a session's change becomes a pending notice for each person who follows it,
written in the transaction of the change (the agenda calls `collect` there, see
agenda/services/watchers.py).

A person's row for a session keeps the session as the person last knew it (the first
untold change writes it, later ones leave it), and every change to any of the person's
sessions moves all their rows' `due_at` to the forum's delay from now: one mail after the
organizer stops rearranging, whatever the number of changes.
"""

from __future__ import annotations

import datetime as dt

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.tables import SessionSpeaker, Speaker
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum, ForumStatus
from forum_mgmt.notices.services.people import registrations_told, speakers_told
from forum_mgmt.notices.tables import PendingNotice
from forum_mgmt.registration.tables import Booking, Registration, Star, Status


async def collect(forum: Forum, before: dict[int, agenda.Snapshot]) -> None:
    """Pending notices for everyone who booked, starred or speaks in these sessions of a
    published forum; `before` is each session as it was before this change."""
    if forum.status != ForumStatus.PUBLISHED or not before:
        return
    ids = list(before)
    followers = [
        *await Booking.select(Booking.registration, Booking.session).where(
            Booking.session.is_in(ids)
        ),
        *await Star.select(Star.registration, Star.session).where(Star.session.is_in(ids)),
    ]
    allowed = set()
    if followers:
        rows = await Registration.select(Registration.id).where(
            Registration.id.is_in(sorted({f["registration"] for f in followers}))
            & (Registration.forum == forum.id)
            & registrations_told()
        )
        allowed = {r["id"] for r in rows}
    speakers = await SessionSpeaker.select(
        SessionSpeaker.speaker,
        SessionSpeaker.session,
        SessionSpeaker.speaker.email.as_alias("email"),
    ).where(
        SessionSpeaker.session.is_in(ids)
        & SessionSpeaker.speaker.is_in(
            Speaker.select(Speaker.id).where((Speaker.forum == forum.id) & speakers_told())
        )
    )
    now = time.now()
    due = now + dt.timedelta(minutes=forum.notice_delay_minutes)
    pairs = {
        ("r", f["registration"], f["session"]) for f in followers if f["registration"] in allowed
    }
    registered = await _registered(forum, {s["email"].lower() for s in speakers})
    for s in speakers:
        # A speaker who registered with the same address is one person: one mail, theirs.
        reg_id = registered.get(s["email"].lower(), ("s", s["speaker"]))
        if reg_id is not None:
            pairs.add((*reg_id, s["session"]))
    if not pairs:
        return
    pending = [
        _row(forum, kind, who, before[sid], sid, now, due) for kind, who, sid in sorted(pairs)
    ]
    # A row already waiting keeps what the person last knew (the unique index says which).
    await PendingNotice.insert(*pending).on_conflict(action="DO NOTHING")
    registrations = sorted({who for kind, who, _s in pairs if kind == "r"})
    speaker_ids = sorted({who for kind, who, _s in pairs if kind == "s"})
    await PendingNotice.update({PendingNotice.due_at: due, PendingNotice.changed_at: now}).where(
        (PendingNotice.forum == forum.id)
        & (
            PendingNotice.registration.is_in(registrations or [0])
            | PendingNotice.speaker.is_in(speaker_ids or [0])
        )
    )


async def _registered(forum: Forum, emails: set[str]) -> dict[str, tuple[str, int] | None]:
    """The confirmed registrations of these addresses: ("r", id), or None for one who may
    not be told (opted out), so that the speaker's own row does not tell them either."""
    if not emails:
        return {}
    rows = await Registration.select(Registration.id, Registration.email).where(
        (Registration.forum == forum.id)
        & Registration.email.is_in(sorted(emails))
        & (Registration.status == Status.CONFIRMED)
        & Registration.anonymised_at.is_null()
    )
    told = await Registration.select(Registration.id).where(
        Registration.id.is_in([r["id"] for r in rows] or [0]) & registrations_told()
    )
    allowed = {r["id"] for r in told}
    return {r["email"]: ("r", r["id"]) if r["id"] in allowed else None for r in rows}


def _row(
    forum: Forum,
    kind: str,
    who: int,
    was: agenda.Snapshot,
    session_id: int,
    now: dt.datetime,
    due: dt.datetime,
) -> PendingNotice:
    return PendingNotice(
        forum=forum.id,
        registration=who if kind == "r" else None,
        speaker=who if kind == "s" else None,
        session=session_id,
        was_starts_at=was.starts_at,
        was_ends_at=was.ends_at,
        was_room=was.room_id,
        was_room_name=was.room,
        was_room_name_local=was.room_local,
        was_cancelled=was.cancelled,
        changed_at=now,
        due_at=due,
    )
