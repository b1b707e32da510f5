"""Rendering: an outbox row becomes the message its reader gets, in the reader's language,
with the pictures other domains draw for it and the forum's days as a calendar file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from functools import cache

import jinja2
from icalendar import Calendar, Event

from forum_mgmt.core import i18n, templating, time
from forum_mgmt.core.settings import ROOT

log = logging.getLogger("forum_mgmt.mail")


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(shown=templating.shown, lang=i18n.current)
    return env


def _sender() -> str:
    return os.environ.get("MAIL_FROM", "forum_mgmt <noreply@localhost>")


# Pictures drawn when a message goes out, embedded in it: a domain to the right (tickets)
# installs the drawing for a context field at startup, as mail may not import it.
InlineImage = Callable[[dict], Awaitable[bytes | None]]
_inline_images: dict[str, InlineImage] = {}


def _registry() -> dict[str, InlineImage]:
    """The registry as the package names it, `forum_mgmt.mail.services._inline_images`
    (this module's dict unless someone swapped it there): a test replaces it with an empty
    one for its own run and so leaves the process's registry as it found it."""
    from forum_mgmt.mail import services  # the package, which imports this module first

    return services._inline_images


def register_inline_image(field: str, draw: InlineImage) -> None:
    """From now on, a message whose context has `field` embeds the PNG `draw(context[field])`
    returns at send time; the templates find its address in `inline[field]` (None: no
    picture for this message, the links alone)."""
    _registry()[field] = draw


async def inline_images(context: dict) -> dict[str, bytes | None]:
    """The pictures of a message's context, drawn now; one that cannot be drawn is None."""
    images: dict[str, bytes | None] = {}
    for field, draw in _registry().items():
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


def _person(context: dict) -> dict:
    """Whom the message addresses, for `shown(person)` in the templates."""
    return {"name": context.get("name") or "", "name_local": context.get("name_local") or ""}


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
    context = {**context, "inline": inline, "person": _person(context)}
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
    # typeshed says str; the compat32 policy of MIME* messages takes a Header (RFC 2047)
    message["Subject"] = Header(" ".join(subject.split()), "utf-8")  # type: ignore[assignment]
    message["From"] = _sender()
    message["To"] = row["to"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row['id']}")
    return message


def subject(row: dict) -> str:
    """The subject line of an outbox row as its reader gets it (for their copy of their data)."""
    context = {**_context(row), "inline": {}}
    context["person"] = _person(context)
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
