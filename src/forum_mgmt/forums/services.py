"""Organisations and forums: who owns a forum, when it runs, whether the public sees it."""

from __future__ import annotations

import datetime as dt
import re
from time import monotonic

import msgspec
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.core import changes, time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import DomainError, Forbidden, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import queries
from forum_mgmt.forums.schemas import ForumIn, ForumPatch
from forum_mgmt.forums.tables import (
    Forum,
    ForumRole,
    ForumStatus,
    Membership,
    Organisation,
    Role,
)

# Enough to catch a typo; the address is the organizers' own, shown in the privacy notice.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class InvalidForum(DomainError):
    status_code, code = 422, "invalid_forum"


async def list_public_forums() -> list[Forum]:
    """Published forums, the upcoming and running ones first (soonest first), then the past."""
    forums = await Forum.objects().where(Forum.status == ForumStatus.PUBLISHED)
    upcoming: list[Forum] = []
    past: list[Forum] = []
    for forum in forums:
        (upcoming if forum.ends_on >= time.today(forum.timezone) else past).append(forum)
    upcoming.sort(key=lambda f: (f.starts_on, f.name))
    past.sort(key=lambda f: (f.starts_on, f.name), reverse=True)
    return upcoming + past


# Published forums by slug, read once per change (core/changes.py): the public pages'
# rows, never written through.
_published: dict[str, Forum] = {}


def _forget(forum_id: int | None) -> None:
    if forum_id is None:
        _published.clear()
    else:
        for slug in [s for s, f in _published.items() if f.id == forum_id]:
            del _published[slug]


changes.on_change(_forget)


def is_current(forum: Forum) -> bool:
    """Whether this row is the one kept in memory for its slug (no change since)."""
    return _published.get(forum.slug) is forum


async def get_public_forum(slug: str, *, viewer: BaseUser | None = None) -> Forum:
    """The published forum with this slug; a draft is as unknown to the public as no forum,
    but its own team (the `viewer` with a role on it) may preview it."""
    forum = _published.get(slug) if changes.watching() else None
    if forum is not None:
        return forum
    snap = changes.snapshot()
    forum = await queries.forum_by_slug(slug)
    if forum is not None and forum.status == ForumStatus.PUBLISHED and changes.keep(snap):
        _published[slug] = forum
    if forum is None or (
        forum.status != ForumStatus.PUBLISHED
        and (viewer is None or await role_on(viewer, forum) is None)
    ):
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
    if data.contact_email and not EMAIL.fullmatch(data.contact_email):
        fields["contact_email"] = _("An email address, such as privacy@example.org.")
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
        languages=data.languages,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        capacity=data.capacity,
        waitlist=data.waitlist,
        approval=data.approval,
        signup_limit_per_address=data.signup_limit_per_address,
        confirm_email=data.confirm_email,
        registration_opens_at=data.registration_opens_at,
        registration_closes_at=data.registration_closes_at,
        retention_days=data.retention_days,
        contact_email=data.contact_email,
        audience_share=data.audience_share,
        notice_delay_minutes=data.notice_delay_minutes,
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


# Roles: who may run or staff which forum -------------------------------------------

RANK = {Role.STAFF: 1, Role.ORGANIZER: 2}


async def get_forum(slug: str) -> Forum:
    """The forum with this slug, draft or published (for the people who run it)."""
    forum = await queries.forum_by_slug(slug)
    if forum is None:
        raise NotFound(_("There is no forum at this address."))
    return forum


# Every staff request asks this (a scanner, many times a second): each worker remembers
# the answer for a few seconds; a change of role clears this worker's memory at once.
ROLE_TTL = 5.0
_known_roles: dict[tuple, tuple[float, Role | None]] = {}


async def role_on(user: BaseUser, forum: Forum) -> Role | None:
    if user.admin:
        return Role.ORGANIZER
    # created_at too: a forum made again under a reused id is another forum
    key, now = (user.id, forum.id, forum.created_at), monotonic()
    known = _known_roles.get(key)
    if known is not None and known[0] > now:
        return known[1]
    row = (
        await ForumRole.select(ForumRole.role)
        .where((ForumRole.forum == forum.id) & (ForumRole.user == user.id))
        .first()
    )
    if len(_known_roles) > 10_000:
        _known_roles.clear()
    role = Role(row["role"]) if row else None
    _known_roles[key] = (now + ROLE_TTL, role)
    return role


def roles_changed() -> None:
    """A role was changed outside `grant`: this worker forgets what it remembered at once."""
    _known_roles.clear()


async def forum_for(user: BaseUser, slug: str, role: Role) -> Forum:
    """The forum, if this user holds `role` (or a higher one) on it; else Forbidden."""
    forum = await get_forum(slug)
    held = await role_on(user, forum)
    if held is None or RANK[held] < RANK[role]:
        raise Forbidden(_("You do not have that role on this forum."))
    return forum


async def grant(forum: Forum, user: BaseUser, role: Role) -> None:
    """Give a person a role on a forum (replacing the role they had there)."""
    async with transaction():
        await ForumRole.delete().where((ForumRole.forum == forum.id) & (ForumRole.user == user.id))
        await ForumRole.insert(ForumRole(forum=forum.id, user=user.id, role=role))
    _known_roles.clear()


async def join(organisation: Organisation, user: BaseUser, role: Role) -> None:
    """Add a person to an organisation's team; its organizers may create forums for it."""
    async with transaction():
        await Membership.delete().where(
            (Membership.organisation == organisation.id) & (Membership.user == user.id)
        )
        await Membership.insert(Membership(organisation=organisation.id, user=user.id, role=role))


async def organisations_for_new_forums(user: BaseUser) -> list[Organisation]:
    """The organisations this person may create forums for."""
    if user.admin:
        return await Organisation.objects().order_by(Organisation.name)
    return (
        await Organisation.objects()
        .where(
            Organisation.id.is_in(
                Membership.select(Membership.organisation).where(
                    (Membership.user == user.id) & (Membership.role == Role.ORGANIZER)
                )
            )
        )
        .order_by(Organisation.name)
    )


async def create_forum_by(
    user: BaseUser, data: ForumIn, *, organisation: str | None = None
) -> Forum:
    """A new forum of one of the person's organisations; its creator becomes its organizer."""
    allowed = await organisations_for_new_forums(user)
    if organisation is not None:
        allowed = [o for o in allowed if o.slug == organisation]
    if not allowed:
        raise Forbidden(_("You may not create forums for that organisation."))
    if len(allowed) > 1 and organisation is None:
        raise InvalidForum(
            _("Say which organisation the forum belongs to."),
            fields={"organisation": ", ".join(o.slug for o in allowed)},
        )
    async with transaction():
        forum = await create_forum(allowed[0], data)
        await grant(forum, user, Role.ORGANIZER)
    return forum


async def team_usernames(forum: Forum) -> list[str]:
    """The usernames of the people with a role on this forum, in name order."""
    rows = (
        await ForumRole.select(ForumRole.user.username)
        .where(ForumRole.forum == forum.id)
        .order_by(ForumRole.user.username)
    )
    return [row["user.username"] for row in rows]


async def managed_forums(user: BaseUser) -> list[Forum]:
    """The forums this person has a role on (every forum for an admin), soonest first."""
    query = Forum.objects().order_by(Forum.starts_on, Forum.name)
    if not user.admin:
        query = query.where(
            Forum.id.is_in(ForumRole.select(ForumRole.forum).where(ForumRole.user == user.id))
        )
    return await query


async def update_forum(forum: Forum, data: ForumPatch) -> Forum:
    """Change a forum's settings; the slug, once public, stays."""
    fields = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    merged = ForumIn(**{**_as_input(forum), **fields})
    _check(merged)
    for name, value in fields.items():
        setattr(forum, name, value)
    forum.updated_at = time.now()
    await forum.save([getattr(Forum, name) for name in fields] + [Forum.updated_at])
    return forum


async def unpublish(forum: Forum) -> Forum:
    """Hide the forum from the public again (its data stays)."""
    forum.status = ForumStatus.DRAFT
    forum.updated_at = time.now()
    await forum.save([Forum.status, Forum.updated_at])
    return forum


def _as_input(forum: Forum) -> dict:
    return {name: getattr(forum, name) for name in ForumIn.__struct_fields__}


# Where people go: the one rule for "after signing in" --------------------------------


def checkin_window(forum: Forum) -> tuple[dt.datetime, dt.datetime]:
    """Check-in is open from the start of the day before the first day until the last day
    ends, in the forum's zone."""
    opens, _end = time.day_bounds(forum.starts_on - dt.timedelta(days=1), forum.timezone)
    _start, closes = time.day_bounds(forum.ends_on, forum.timezone)
    return opens, closes


def checkin_open(forum: Forum) -> bool:
    opens, closes = checkin_window(forum)
    return opens <= time.now() < closes


async def forums_with_roles(user: BaseUser) -> list[tuple[Forum, Role]]:
    """The forums this person has a role on, with that role (an admin organizes every
    forum), soonest first."""
    forums = await managed_forums(user)
    if user.admin:
        return [(forum, Role.ORGANIZER) for forum in forums]
    rows = await ForumRole.select(ForumRole.forum, ForumRole.role).where(ForumRole.user == user.id)
    held = {row["forum"]: Role(row["role"]) for row in rows}
    return [(forum, held[forum.id]) for forum in forums if forum.id in held]


async def home_for(user: BaseUser) -> str:
    """Where a person lands after signing in (or accepting an invitation): whoever
    organizes anything, their workspace; staff (organizers of nothing) the scanner of the
    one forum whose check-in is open, else the list of their scanners."""
    if user.admin:
        return "/manage"
    roles = await forums_with_roles(user)
    if any(role == Role.ORGANIZER for _forum, role in roles):
        return "/manage"
    staffed = [forum for forum, role in roles if role == Role.STAFF]
    if not staffed or await organisations_for_new_forums(user):
        return "/manage"
    open_now = [forum for forum in staffed if checkin_open(forum)]
    if len(open_now) == 1:
        return f"/checkin/{open_now[0].slug}"
    return "/checkin"
