"""The outbox: queue a message inside the caller's transaction, deliver after the commit.

A message is a row before it is anything else, so a mail server that is down loses
nothing and blocks nobody: the row waits, and a later run (the worker woken after each
request that queued mail, its minute timer, or `forum-mgmt mail send`) delivers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import smtplib
from collections.abc import Awaitable, Callable
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
from icalendar import Calendar, Event

from forum_mgmt.core import db, i18n, templating, time
from forum_mgmt.core.settings import ROOT, get_settings
from forum_mgmt.mail.tables import MailStatus, Outbox

log = logging.getLogger("forum_mgmt.mail")

MAX_ATTEMPTS = 8
BATCH = 100
QUIET = 0.5  # seconds without new mail before a delivery run starts
MAX_DELAY = 20.0  # seconds: the longest a busy process postpones delivery
STALE = dt.timedelta(minutes=10)  # a claim older than this was lost with its process


async def enqueue(
    to: str, template: str, *, language: str, context: dict, forum_id: int | None
) -> Outbox:
    """Queue one message; call it inside the transaction of the change it reports.

    `forum_id` names the forum (tenant) the message is about: that forum's mail log shows
    it, no other's. It is required so that no caller forgets it; None for mail about no forum.
    """
    row = outbox_row(to, template, language=language, context=context, forum_id=forum_id)
    await db.insert(row)
    return row


def outbox_row(
    to: str, template: str, *, language: str, context: dict, forum_id: int | None
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
            log.warning(
                "mail %s to %s failed (attempt %s): %s", row["id"], row["to"], attempts, err
            )
            await Outbox.update(
                {
                    Outbox.status: MailStatus.FAILED
                    if attempts >= MAX_ATTEMPTS
                    else MailStatus.QUEUED,
                    Outbox.attempts: attempts,
                    Outbox.next_attempt_at: time.now() + backoff(attempts),
                    Outbox.last_error: str(err)[:1000],
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
    return len(sent)


async def send_all(*, now: dt.datetime | None = None) -> int:
    """Deliver everything due, batch after batch."""
    total = 0
    while sent := await send_due(now=now):
        total += sent
    return total


# Rendering -------------------------------------------------------------------------


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(pick=templating.pick, lang=i18n.current)
    return env


def _sender() -> str:
    return os.environ.get("MAIL_FROM", "forum_mgmt <noreply@localhost>")


# Pictures drawn when a message goes out, embedded in it: a domain to the right (tickets)
# installs the drawing for a context field at startup, as mail may not import it.
InlineImage = Callable[[dict], Awaitable[bytes | None]]
_inline_images: dict[str, InlineImage] = {}


def register_inline_image(field: str, draw: InlineImage) -> None:
    """From now on, a message whose context has `field` embeds the PNG `draw(context[field])`
    returns at send time; the templates find its address in `inline[field]` (None: no
    picture for this message, the links alone)."""
    _inline_images[field] = draw


async def inline_images(context: dict) -> dict[str, bytes | None]:
    """The pictures of a message's context, drawn now; one that cannot be drawn is None."""
    images: dict[str, bytes | None] = {}
    for field, draw in _inline_images.items():
        if context.get(field):
            try:
                images[field] = await draw(context[field])
            except Exception:  # the message matters more than its picture: send the links
                log.exception("inline picture %r could not be drawn", field)
                images[field] = None
    return images


async def compose(row: dict) -> Message:
    """The message of an outbox row as it goes out now, its pictures embedded."""
    return render(row, images=await inline_images(_context(row)))


def _context(row: dict) -> dict:
    context = row["context"]
    if isinstance(context, str):  # Piccolo hands JSON back as text
        context = json.loads(context)
    return context


def render(row: dict, *, images: dict[str, bytes | None] | None = None) -> Message:
    """The message of an outbox row, in the language of its reader, with these pictures
    embedded (`compose` draws them)."""
    context = _context(row)
    parts: list[MIMEImage] = []
    inline: dict[str, str | None] = {}
    for field, png in (images or {}).items():
        inline[field] = None
        if png:
            cid = f"{field}.{row['id']}.{secrets.token_hex(6)}@forum-mgmt"
            picture = MIMEImage(png, "png")
            picture.add_header("Content-ID", f"<{cid}>")
            picture.add_header("Content-Disposition", "inline", filename=f"{field}.png")
            parts.append(picture)
            inline[field] = f"cid:{cid}"
    context = {**context, "inline": inline}
    env = _env()
    with i18n.language(row["language"]):
        text = env.get_template(f"mail/{row['template']}.txt")
        html = env.get_template(f"mail/{row['template']}.html")
        subject = "".join(text.blocks["subject"](text.new_context(context))).strip()
        # The compat32 MIME classes: the modern EmailMessage API parses every header it
        # sets and cost several times more CPU per message.
        message: Message = MIMEMultipart("alternative")
        message.attach(MIMEText(text.render(context), "plain", "utf-8"))
        body: Message = MIMEText(html.render(context), "html", "utf-8")
        if parts:  # RFC 2387: the HTML and the pictures it shows by cid: travel together
            body = MIMEMultipart("related", _subparts=[body, *parts])
        message.attach(body)
    if calendar := context.get("calendar"):
        mixed = MIMEMultipart("mixed")
        mixed.attach(message)
        part = MIMEText(ics(calendar).decode(), "calendar", "utf-8")
        part.add_header("Content-Disposition", "attachment", filename="forum.ics")
        mixed.attach(part)
        message = mixed
    message["Subject"] = Header(" ".join(subject.split()), "utf-8")
    message["From"] = _sender()
    message["To"] = row["to"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row['id']}")
    return message


def subject(row: dict) -> str:
    """The subject line of an outbox row as its reader gets it (for their copy of their data)."""
    context = {**_context(row), "inline": {}}
    with i18n.language(row["language"]):
        text = _env().get_template(f"mail/{row['template']}.txt")
        return " ".join("".join(text.blocks["subject"](text.new_context(context))).split())


def ics(event: dict) -> bytes:
    """A minimal calendar of the forum's days (the full feeds live in exports)."""
    cal = Calendar()
    cal.add("prodid", "-//forum_mgmt//registration//EN")
    cal.add("version", "2.0")
    item = Event()
    item.add("uid", event["uid"])
    item.add("summary", event["summary"])
    item.add("dtstart", dt.date.fromisoformat(event["starts_on"]))
    item.add("dtend", dt.date.fromisoformat(event["ends_on"]) + dt.timedelta(days=1))
    item.add("dtstamp", time.now())
    if event.get("location"):
        item.add("location", event["location"])
    if event.get("url"):
        item.add("url", event["url"])
    cal.add_component(item)
    return cal.to_ical()


# Delivery --------------------------------------------------------------------------


def outbox_folder() -> Path | None:
    """Where development mail goes (no SMTP_URL); None when mail goes over SMTP."""
    return None if os.environ.get("SMTP_URL") else get_settings().data_dir / "outbox"


def deliver(message: Message) -> None:
    """Over SMTP when SMTP_URL is set; else into the development outbox folder."""
    url = os.environ.get("SMTP_URL", "")
    if not url:
        folder = get_settings().data_dir / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
        return
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host, port = parts.hostname or "127.0.0.1", parts.port
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=15)
    else:
        client = smtplib.SMTP(host, port or 25, timeout=15)
    with client:
        if options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


# The worker: one per process, woken after each request that queued mail --------------

_wake: asyncio.Event | None = None
_task: asyncio.Task | None = None


def kick() -> None:
    """Ask this process's worker to deliver now (after the caller's commit)."""
    if _wake is not None:
        _wake.set()


async def _work() -> None:
    assert _wake is not None  # noqa: S101 - set by start_worker
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wake.wait(), timeout=60)
        # While requests keep queueing mail (a rush of sign-ups), let them have the CPU:
        # deliver once QUIET passes without a new wake-up, or after MAX_DELAY at the latest.
        deadline = asyncio.get_running_loop().time() + MAX_DELAY
        while asyncio.get_running_loop().time() < deadline:
            _wake.clear()
            try:
                await asyncio.wait_for(_wake.wait(), timeout=QUIET)
            except TimeoutError:
                break
        _wake.clear()
        try:
            await send_all()
        except Exception:  # the database may be away for a moment; the timer retries
            log.exception("mail delivery run failed")


async def start_worker() -> None:
    """Deliver from this process; MAIL_WORKER=off leaves it to `forum-mgmt mail send`."""
    global _wake, _task
    if os.environ.get("MAIL_WORKER", "on").lower() in ("off", "0", "false", "no"):
        return
    _wake = asyncio.Event()
    _wake.set()  # deliver what waited while no process ran
    _task = asyncio.create_task(_work())


async def stop_worker() -> None:
    global _wake, _task
    if _task is not None:
        _task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _task
    _wake, _task = None, None
