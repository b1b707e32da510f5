"""Writing the outbox and working through it: a message is a row before it is anything else.

`enqueue` saves the row inside the caller's transaction; `send_due` claims the rows that
are due, renders and delivers each, and keeps a failure for a later attempt.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.columns import Column

from forum_mgmt.core import db, time
from forum_mgmt.mail.services.delivery import deliver
from forum_mgmt.mail.services.rendering import compose
from forum_mgmt.mail.tables import MailStatus, Outbox

log = logging.getLogger("forum_mgmt.mail")

MAX_ATTEMPTS = 8
BATCH = 100
STALE = dt.timedelta(minutes=10)  # a claim older than this was lost with its process


# What an ephemeral row keeps once it is sent or given up: when, which template, how it went.
BLANK: dict[Column | str, Any] = {Outbox.to: "", Outbox.context: "{}", Outbox.last_error: ""}


async def enqueue(
    to: str,
    template: str,
    *,
    language: str,
    context: dict,
    forum_id: int | None,
    ephemeral: bool = False,
) -> Outbox:
    """Queue one message; call it inside the transaction of the change it reports.

    `forum_id` names the forum (tenant) the message is about: that forum's mail log shows
    it, no other's. It is required so that no caller forgets it; None for mail about no forum.
    `ephemeral`: its address and body are blanked as soon as it is sent or given up (the last
    mail to a person whose data is erased).
    """
    row = outbox_row(
        to, template, language=language, context=context, forum_id=forum_id, ephemeral=ephemeral
    )
    await db.insert(row)
    return row


def outbox_row(
    to: str,
    template: str,
    *,
    language: str,
    context: dict,
    forum_id: int | None,
    ephemeral: bool = False,
) -> Outbox:
    """The outbox row `enqueue` saves, for a caller that saves it with rows of its own."""
    now = time.now()
    return Outbox(
        to=to,
        forum_id=forum_id,
        template=template,
        language=language,
        context=context,
        status=MailStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
        ephemeral=ephemeral,
    )


def backoff(attempts: int) -> dt.timedelta:
    """30 s after the first failure, doubling up to an hour."""
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


async def send_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Deliver the messages that are due; returns how many were sent."""
    now = now or time.now()
    due = ((Outbox.status == MailStatus.QUEUED) & (Outbox.next_attempt_at <= now)) | (
        (Outbox.status == MailStatus.SENDING) & (Outbox.claimed_at < now - STALE)
    )
    # The claim is one conditional UPDATE: two workers never send the same row.
    claimed = await (
        Outbox.update({Outbox.status: MailStatus.SENDING, Outbox.claimed_at: now})
        .where(
            Outbox.id.is_in(Outbox.select(Outbox.id).where(due).order_by(Outbox.id).limit(limit))
            & due
        )
        .returning(*Outbox.all_columns())
    )
    sent: list[int] = []
    for row in sorted(claimed, key=lambda r: r["id"]):
        try:
            message = await compose(row)
            await asyncio.to_thread(deliver, message)
        except Exception as err:  # any failure: keep the row, try again later
            attempts = row["attempts"] + 1
            log.warning("mail %s failed (attempt %s): %s", row["id"], attempts, err)
            given_up = attempts >= MAX_ATTEMPTS
            await Outbox.update(
                {
                    Outbox.status: MailStatus.FAILED if given_up else MailStatus.QUEUED,
                    Outbox.attempts: attempts,
                    Outbox.next_attempt_at: time.now() + backoff(attempts),
                    Outbox.last_error: str(err)[:1000],
                    **(BLANK if given_up and row.get("ephemeral") else {}),
                }
            ).where(Outbox.id == row["id"])
            continue
        sent.append(row["id"])
    if sent:
        await Outbox.update(
            {
                Outbox.status: MailStatus.SENT,
                Outbox.attempts: Outbox.attempts + 1,
                Outbox.sent_at: time.now(),
                Outbox.last_error: "",
            }
        ).where(Outbox.id.is_in(sent))
    # The last mail to an erased person: nothing of them stays once it is out.
    if ephemeral := [r["id"] for r in claimed if r.get("ephemeral") and r["id"] in sent]:
        await Outbox.update(BLANK).where(Outbox.id.is_in(ephemeral))
    return len(sent)


# Mail that other domains keep elsewhere until it is due (agenda change notices wait for
# the organizer to stop rearranging): each producer queues its due messages, in the
# transaction that takes them, before every delivery run. Installed at start-up, as mail
# may not import those domains.
Producer = Callable[[dt.datetime], Awaitable[int]]
_producers: dict[str, Producer] = {}


def register_producer(name: str, produce: Producer) -> None:
    """From now on, each delivery run first calls `await produce(now)` (once per name)."""
    _producers[name] = produce


async def produce_due(now: dt.datetime | None = None) -> int:
    """Let every producer queue its messages that are due; returns how many were queued."""
    queued = 0
    for name, produce in list(_producers.items()):
        try:
            queued += await produce(now or time.now())
        except Exception:  # the database may be away; the next run asks again
            log.exception("mail producer %s failed", name)
    return queued


async def send_all(*, now: dt.datetime | None = None) -> int:
    """Deliver everything due, batch after batch (the producers' due mail first)."""
    await produce_due(now)
    total = 0
    while sent := await send_due(now=now):
        total += sent
    return total
