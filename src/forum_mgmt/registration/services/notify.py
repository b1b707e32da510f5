"""The messages registration sends, queued in the caller's transaction."""

from __future__ import annotations

import datetime as dt

from forum_mgmt.core.db import insert
from forum_mgmt.core.i18n import localized
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration.tables import Registration, Status


def manage_url(registration: Registration) -> str:
    return f"{get_settings().base_url}/tickets/{registration.token}"


# Templates whose reader holds a confirmed seat: they carry the ticket's QR.
TICKET_TEMPLATES = frozenset({"confirmed", "approved", "promoted"})


def ticket_context(registration: Registration) -> dict:
    """Where the ticket lives, and whose it is. No code in the queued mail, so a reissue
    never leaves a stale QR in a message that has not gone out yet: the tickets domain
    (registration may not import it) draws the QR from the token when the mail is sent
    (tickets/mail.py); `qr_png`, the remote picture, serves when nothing draws it."""
    base = manage_url(registration)
    return {
        "token": registration.token,
        "page": base,
        "qr_png": f"{base}/qr.png",
        "pdf": f"{base}/ticket.pdf",
    }


def forum_context(forum: Forum) -> dict:
    return {
        "name": forum.name,
        "name_local": forum.name_local,
        "slug": forum.slug,
        "starts_on": forum.starts_on.isoformat(),
        "ends_on": forum.ends_on.isoformat(),
        "venue": forum.venue,
        "venue_local": forum.venue_local,
        "url": f"{get_settings().base_url}/forums/{forum.slug}",
    }


async def tell(forum: Forum, registration: Registration, template: str, **options) -> None:
    """Queue `templates/mail/<template>` for the person, in their language (see `message`)."""
    await insert(message(forum, registration, template, **options))


def message(
    forum: Forum,
    registration: Registration,
    template: str,
    *,
    waitlist_position: int | None = None,
    sessions: list[dict] | None = None,
    extra: dict | None = None,
) -> Outbox:
    """The outbox row of `tell`, unsaved: for a caller saving it with the registration."""
    context = {
        "name": registration.name,
        "name_local": registration.name_local,
        "status": registration.status,
        "manage_url": manage_url(registration),
        "waitlist_position": waitlist_position,
        "forum": forum_context(forum),
        "sessions": [
            {"title": s["title"], "title_local": s["title_local"]} for s in sessions or []
        ],
        **(extra or {}),
    }
    if registration.status == Status.CONFIRMED and template in TICKET_TEMPLATES:
        context["ticket"] = ticket_context(registration)
    if registration.status == Status.CONFIRMED and template != "cancelled":
        context["calendar"] = {
            "uid": f"forum-{forum.slug}@forum-mgmt",  # the slug moves with an export
            "summary": localized(forum, "name", registration.language),
            "starts_on": forum.starts_on.isoformat(),
            "ends_on": forum.ends_on.isoformat(),
            "location": localized(forum, "venue", registration.language),
            "url": context["forum"]["url"],
        }
    return mail.outbox_row(
        registration.email,
        template,
        language=registration.language,
        context=context,
        forum_id=forum.id,
    )


async def sent_lately(
    forum: Forum, registration: Registration, template: str, *, since: dt.datetime
) -> bool:
    """Whether this message about this forum was queued for the person's address since then."""
    return await Outbox.exists().where(
        (Outbox.forum_id == forum.id)
        & (Outbox.to == registration.email)
        & (Outbox.template == template)
        & (Outbox.created_at >= since)
    )


def outbox_folder():
    """The development outbox folder, for the organizer's mail log (None with SMTP)."""
    return mail.outbox_folder()


def deliver_soon() -> None:
    """After the commit: wake this process's mail worker."""
    mail.kick()
