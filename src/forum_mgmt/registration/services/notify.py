"""The messages registration sends, queued in the caller's transaction."""

from __future__ import annotations

from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.mail import services as mail
from forum_mgmt.registration.tables import Registration, Status


def manage_url(registration: Registration) -> str:
    return f"{get_settings().base_url}/tickets/{registration.token}"


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


async def tell(
    forum: Forum,
    registration: Registration,
    template: str,
    *,
    waitlist_position: int | None = None,
    sessions: list[dict] | None = None,
    extra: dict | None = None,
) -> None:
    """Queue `templates/mail/<template>` for the person, in their language."""
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
    if registration.status == Status.CONFIRMED and template != "cancelled":
        context["calendar"] = {
            "uid": f"forum-{forum.id}@{forum.slug}",
            "summary": forum.name_local
            if registration.language == "zh-TW" and forum.name_local
            else forum.name,
            "starts_on": forum.starts_on.isoformat(),
            "ends_on": forum.ends_on.isoformat(),
            "location": forum.venue,
            "url": context["forum"]["url"],
        }
    await mail.enqueue(
        registration.email, template, language=registration.language, context=context
    )


def outbox_folder():
    """The development outbox folder, for the organizer's mail log (None with SMTP)."""
    return mail.outbox_folder()


def deliver_soon() -> None:
    """After the commit: wake this process's mail worker."""
    mail.kick()
