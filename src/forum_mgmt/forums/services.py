"""Organisations and forums: who owns a forum, when it runs, whether the public sees it."""

from __future__ import annotations

from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Forum, ForumStatus, Organisation


class InvalidForum(DomainError):
    status_code, code = 422, "invalid_forum"


async def list_public_forums() -> list[Forum]:
    """Published forums, the upcoming and running ones first (soonest first), then the past."""
    forums = await Forum.objects().where(Forum.status == ForumStatus.PUBLISHED)
    upcoming = sorted(
        (f for f in forums if f.ends_on >= time.today(f.timezone)),
        key=lambda f: (f.starts_on, f.name),
    )
    past = sorted(
        (f for f in forums if f.ends_on < time.today(f.timezone)),
        key=lambda f: (f.starts_on, f.name),
        reverse=True,
    )
    return upcoming + past


async def get_public_forum(slug: str) -> Forum:
    """The published forum with this slug; a draft is as unknown to the public as no forum."""
    forum = (
        await Forum.objects()
        .where((Forum.slug == slug) & (Forum.status == ForumStatus.PUBLISHED))
        .first()
    )
    if forum is None:
        raise NotFound(_("There is no forum at this address."))
    return forum


async def ensure_organisation(slug: str, *, name: str, name_local: str = "") -> Organisation:
    """The organisation with this slug, created on first use."""
    org = await Organisation.objects().get_or_create(
        Organisation.slug == slug,
        defaults={Organisation.name: name, Organisation.name_local: name_local},
    )
    return org


def _check(data: ForumIn) -> None:
    fields = {}
    if not time.is_zone(data.timezone):
        fields["timezone"] = _("Not a known IANA time zone, such as Asia/Taipei.")
    if data.ends_on < data.starts_on:
        fields["ends_on"] = _("The forum cannot end before it starts.")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    for name, value in (("registration_opens_at", opens), ("registration_closes_at", closes)):
        if value is not None and value.tzinfo is None:
            fields[name] = _("Give the time with its UTC offset, such as +08:00.")
    if opens and closes and opens.tzinfo and closes.tzinfo and closes <= opens:
        fields["registration_closes_at"] = _("Registration must close after it opens.")
    if fields:
        raise InvalidForum(_("Some fields need attention."), fields=fields)


async def create_forum(organisation: Organisation, data: ForumIn) -> Forum:
    """A new draft forum of this organisation; the slug is unique across the installation."""
    _check(data)
    if await Forum.exists().where(Forum.slug == data.slug):
        raise InvalidForum(
            _("That address is taken by another forum."),
            fields={"slug": _("Choose another slug.")},
        )
    now = time.now()
    forum = Forum(
        organisation=organisation.id,
        slug=data.slug,
        name=data.name,
        name_local=data.name_local,
        theme=data.theme,
        theme_local=data.theme_local,
        description=data.description,
        description_local=data.description_local,
        venue=data.venue,
        venue_local=data.venue_local,
        timezone=data.timezone,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        capacity=data.capacity,
        waitlist=data.waitlist,
        approval=data.approval,
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        created_at=now,
        updated_at=now,
    )
    await forum.save()
    return forum


async def publish(forum: Forum) -> Forum:
    """Show the forum to the public; publishing twice keeps the first publication time."""
    now = time.now()
    forum.status = ForumStatus.PUBLISHED
    forum.published_at = forum.published_at or now
    forum.updated_at = now
    await forum.save([Forum.status, Forum.published_at, Forum.updated_at])
    return forum
