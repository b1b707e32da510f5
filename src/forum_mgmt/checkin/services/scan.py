"""Judging one scan: the hot path. A code is verified with a cached public key, then one
query reads the registration, its ticket and category, and one insert lets the person in.

Exactly one `ok` per (registration, list): the insert is guarded by a partial unique index
(checkin_once, among not-undone rows) and does nothing on conflict; the loser then reads the
winner's row and answers `already_checked_in`. Nothing is counted before it is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.checkin import queries
from forum_mgmt.checkin.schemas import ScanIn
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Status
from forum_mgmt.tickets import codes
from forum_mgmt.tickets.keys import forum_key

log = logging.getLogger("forum_mgmt.checkin")

OK = "ok"
ALREADY = "already_checked_in"
UNKNOWN = "unknown"
REVOKED = "revoked"
CANCELLED = "cancelled"
NOT_CONFIRMED = "not_confirmed"
WRONG_FORUM = "wrong_forum"
NOT_BOOKED = "not_booked"
CLOSED = "closed"


class BadScan(DomainError):
    status_code, code = 422, "invalid"


@dataclass(frozen=True)
class Previous:
    at: dt.datetime
    gate: str
    by: str | None


@dataclass(frozen=True)
class Decision:
    result: str
    person: dict | None = None  # _PERSON below
    checked_in_at: dt.datetime | None = None
    checkin_id: int | None = None
    previous: Previous | None = None


async def public_key(forum: Forum) -> Ed25519PublicKey:
    """The forum's public key (kept by each process: no query on the hot path)."""
    return (await forum_key(forum)).public


def window(forum: Forum) -> tuple[dt.datetime, dt.datetime]:
    """When check-in is open (forums' rule: sign-in sends staff to an open scanner)."""
    return forums.checkin_window(forum)


_PERSON = (
    "id",
    "name",
    "name_local",
    "organization",
    "category",
    "category_name",
    "category_name_local",
)


async def check_in(
    forum: Forum, scan: ScanIn, *, by: BaseUser, earliest_wins: bool = False
) -> Decision:
    """One answer for every scan; at most one `ok` per registration and list, ever (until
    undone); the same nonce gets the same admission back. With `earliest_wins` (offline
    scans synced late) a scan made before the live check-in takes its place."""
    now = time.now()
    at = min(scan.scanned_at, now) if scan.scanned_at else now
    if (scan.code is None) == (scan.registration_id is None):
        raise BadScan(_("Send either a ticket code or a registration id."))
    serial = None
    if scan.code is not None:
        try:
            claims = codes.verify(await public_key(forum), scan.code, forum_id=forum.id)
        except codes.InvalidCode as refusal:
            return Decision(refusal.result)
        registration_id, serial = claims.registration_id, claims.serial
    else:
        # ScanIn holds a code or a registration id, never neither (checked when decoded)
        registration_id = scan.registration_id  # type: ignore[assignment]
    opens, closes = window(forum)
    is_open = opens <= at < closes
    # Within the window the read also writes the check-in when the row admits (PostgreSQL:
    # one statement); the judging below is the same either way and says why not.
    admit = (
        queries.Admission(
            serial, scan.gate, scan.code is None, by.id, scanned_at=at, created_at=time.now()
        )
        if is_open
        else None
    )
    row = await queries.person(
        forum.id, registration_id, session_id=scan.session_id, nonce=scan.nonce, admit=admit
    )
    if scan.session_id is not None and row is not None and not row["is_list"]:
        raise NotFound(_("There is no check-in list for this session."))
    if row is None:
        return Decision(UNKNOWN)
    person = {k: row[k] for k in _PERSON}
    if row.get("repeat"):
        return await _repeat(row["repeat"], person)
    if row["status"] == Status.CANCELLED:
        return Decision(CANCELLED, person)
    if row["status"] != Status.CONFIRMED:
        return Decision(NOT_CONFIRMED, person)
    if serial is not None and serial != row["serial"]:
        return Decision(REVOKED if row["serial"] and serial < row["serial"] else UNKNOWN, person)
    if not is_open:
        return Decision(CLOSED, person)
    if scan.session_id is not None and not row["booked"]:
        return Decision(NOT_BOOKED, person)
    return await _admit(
        forum,
        scan,
        person,
        at=at,
        by=by,
        manual=scan.code is None,
        earliest_wins=earliest_wins,
        written=row.get("inserted", _NOT_TRIED),
    )


_NOT_TRIED = object()


async def _admit(
    forum,
    scan: ScanIn,
    person: dict,
    *,
    at,
    by,
    manual: bool,
    earliest_wins: bool,
    written: object = _NOT_TRIED,
) -> Decision:
    """`written`: what the read's own insert returned (PostgreSQL), else _NOT_TRIED."""
    # Each new attempt follows a change made meanwhile (an undo, an earlier scan taking the
    # row over): a bound that a real door never reaches.
    for _attempt in range(20):
        inserted: int | None
        if written is not _NOT_TRIED:
            inserted, written = cast("int | None", written), _NOT_TRIED
        else:
            inserted = await queries.insert(
                forum.id,
                person["id"],
                session_id=scan.session_id,
                gate=scan.gate,
                nonce=scan.nonce,
                manual=manual,
                by=by.id,
                scanned_at=at,
                created_at=time.now(),
            )
        if inserted is not None:
            return Decision(OK, person, at, inserted)
        winner = await _winner(forum, person["id"], scan.session_id, scan.nonce)
        if winner is None:  # the row in the way was undone meanwhile: try again
            continue
        if scan.nonce is not None and winner["nonce"] == scan.nonce:
            return Decision(OK, person, winner["scanned_at"], winner["id"])
        if earliest_wins and at < winner["scanned_at"]:
            # Two doors let the person in while one was offline: the record is the earlier
            # scan, whichever synced first. The row keeps its id (undo still finds it).
            taken = await queries.take_over(
                winner["id"],
                forum.id,
                scanned_at=at,
                gate=scan.gate,
                nonce=scan.nonce,
                manual=manual,
                by=by.id,
            )
            if taken:
                log.info(
                    "check-in %s of registration %s moved back to an earlier scan (forum %s)",
                    winner["id"],
                    person["id"],
                    forum.slug,
                )
                return Decision(OK, person, at, winner["id"])
            continue  # changed meanwhile (an even earlier scan, or an undo): look again
        previous = Previous(winner["scanned_at"], winner["gate"], winner["username"])
        return Decision(ALREADY, person, previous=previous)
    raise RuntimeError("check-in kept colliding with undone rows")


async def _winner(forum: Forum, registration_id: int, session_id: int | None, nonce):
    """What the insert ran into: this nonce's check-in first, else the person's on the list."""
    rows = await queries.in_the_way(forum.id, registration_id, session_id, nonce)
    rows.sort(key=lambda r: r["nonce"] != nonce or nonce is None)
    return rows[0] if rows else None


async def _repeat(checkin_id: int, person: dict) -> Decision:
    row = await queries.checkin_by_id(checkin_id)
    return Decision(OK, person, row["scanned_at"], checkin_id)


async def sync(forum: Forum, scans: list[ScanIn], *, by: BaseUser) -> list[Decision]:
    """Scans queued offline, settled in the order they were made; the answers in the order
    sent. The earliest scan of a person is the record, also when a later one came in an
    earlier sync (from another door). A nonce already synced keeps its admission."""
    now = time.now()
    order = sorted(range(len(scans)), key=lambda i: scans[i].scanned_at or now)
    answers: dict[int, Decision] = {}
    for i in order:
        answers[i] = await check_in(forum, scans[i], by=by, earliest_wins=True)
    return [answers[i] for i in range(len(scans))]


async def undo(forum: Forum, checkin_id: int, *, by: BaseUser) -> None:
    """Undo one check-in of this forum (logged); a second undo is NotFound."""
    rows = (
        await Checkin.update({Checkin.undone_at: time.now(), Checkin.undone_by: by.id})
        .where(
            (Checkin.id == checkin_id) & (Checkin.forum == forum.id) & Checkin.undone_at.is_null()
        )
        .returning(Checkin.registration)
    )
    if not rows:
        raise NotFound(_("There is no such check-in to undo."))
    log.info(
        "check-in %s of registration %s undone by %s (forum %s)",
        checkin_id,
        rows[0]["registration"],
        by.username,
        forum.slug,
    )
