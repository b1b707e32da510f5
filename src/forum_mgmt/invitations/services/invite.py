"""The organizer's side: invite guests (one, or a CSV of them), see how each invitation
stands, send it again, withdraw it.

A link's secret goes into the mail and nowhere else: the database keeps its SHA-256, so a
copy of the database opens no invitation. Sending again makes a new secret (the old link
stops working), as the old one cannot be read back.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass

from forum_mgmt.core import db, i18n, time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, NotFound
from forum_mgmt.core.i18n import DEFAULT, _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations.services.csvfile import Guest, InvalidGuestList, language_of, parse
from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import MailStatus, Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.services import checks
from forum_mgmt.registration.services.notify import forum_context
from forum_mgmt.registration.services.register import is_unique_violation
from forum_mgmt.registration.tables import Category


class State(enum.StrEnum):
    SENT = "sent"
    OPENED = "opened"
    REGISTERED = "registered"
    DECLINED = "declined"
    BOUNCED = "bounced"  # the outbox gave up on its mail for good
    REVOKED = "revoked"


class AlreadyInvited(Conflict):
    code = "already_invited"


class NotResendable(Conflict):
    code = "invitation_closed"


@dataclass(frozen=True)
class Options:
    """What the organizer lets the guests of one batch skip."""

    skip_approval: bool = False
    skip_quota: bool = False


def forum_language(forum: Forum) -> str:
    """The forum's first language: the default for a guest whose language is not given."""
    return DEFAULT


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(token: str, language: str) -> str:
    return f"{get_settings().base_url}/invitations/{token}?lang={language}"


def _mail(forum: Forum, invitation: Invitation, category: Category, token: str) -> Outbox:
    with i18n.language(invitation.language):  # the category's name as the guest reads it
        category_label = registration.category_name(category)
    return mail.outbox_row(
        invitation.email,
        "invitation",
        language=invitation.language,
        context={
            "name": invitation.name,
            "name_local": "",
            "category": category_label,
            "invitation_url": link(token, invitation.language),
            "forum": forum_context(forum),
        },
        forum_id=forum.id,
    )


async def category_of(forum: Forum, category_id: int | None) -> Category:
    """One of this forum's categories; another forum's is NotFound."""
    for category in await registration.ensure_categories(forum):
        if category.id == category_id:
            return category
    raise NotFound(_("There is no such category."))


async def _taken(forum: Forum, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    rows = await Invitation.select(Invitation.email).where(
        (Invitation.forum == forum.id) & Invitation.email.is_in(emails)
    )
    return {r["email"] for r in rows}


async def _create(
    forum: Forum, category: Category, guests: list[Guest], options: Options
) -> list[Invitation]:
    made = []
    async with transaction():
        for guest in guests:
            token = secrets.token_urlsafe(24)
            now = time.now()
            invitation = Invitation(
                forum=forum.id,
                category=category.id,
                name=guest.name,
                email=guest.email,
                language=guest.language,
                skip_approval=options.skip_approval,
                skip_quota=options.skip_quota,
                token_hash=token_hash(token),
                created_at=now,
                sent_at=now,
            )
            message = _mail(forum, invitation, category, token)
            await db.insert(message)
            invitation.outbox_id = message.id
            await db.insert(invitation)
            made.append(invitation)
    mail.kick()
    return made


async def invite(
    forum: Forum,
    category: Category,
    *,
    name: str,
    email: str,
    language: str = "",
    options: Options,
) -> Invitation:
    """One guest invited and mailed; a second invitation to the address is a Conflict."""
    fields: dict[str, str] = {}
    name = checks.check_text(fields, "name", name)
    email = checks.check_email(fields, email)
    lang = language_of(language, forum_language(forum))
    if lang is None:
        fields["language"] = _("Language: use en or zh-TW.")
    checks.raise_if(fields)
    guest = Guest(0, name, email, lang or DEFAULT)
    if await _taken(forum, [guest.email]):
        raise AlreadyInvited(_("This address has an invitation already."))
    try:
        return (await _create(forum, category, [guest], options))[0]
    except Exception as err:  # two invitations to one address at once: the unique key
        if is_unique_violation(err):
            raise AlreadyInvited(_("This address has an invitation already.")) from None
        raise


async def invite_csv(
    forum: Forum, category: Category, content: bytes, *, options: Options
) -> list[Invitation]:
    """Every guest of the file invited and mailed, or none (InvalidGuestList by line)."""
    guests = parse(content, default_language=forum_language(forum))
    taken = await _taken(forum, [g.email for g in guests])
    if taken:
        lines = [
            (g.line, _("This address has an invitation already."))
            for g in guests
            if g.email in taken
        ]
        raise InvalidGuestList(_("Nothing was imported: fix these lines."), lines=lines)
    try:
        return await _create(forum, category, guests, options)
    except Exception as err:
        if is_unique_violation(err):
            raise AlreadyInvited(_("An address of the file was invited meanwhile.")) from None
        raise


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    email: str
    language: str
    category: str
    state: State
    skip_approval: bool
    skip_quota: bool
    sent_at: object
    registration_id: int | None


def state_of(row: dict, outbox_status: str | None) -> State:
    if row["revoked_at"] is not None:
        return State.REVOKED
    if row["registered_at"] is not None:
        return State.REGISTERED
    if row["declined_at"] is not None:
        return State.DECLINED
    if outbox_status == MailStatus.FAILED:
        return State.BOUNCED
    if row["opened_at"] is not None:
        return State.OPENED
    return State.SENT


async def invitations(forum: Forum, *, categories: list[Category]) -> list[Row]:
    """The forum's invitations, newest first, each with its state (two queries)."""
    labels = {c.id: registration.category_name(c) for c in categories}
    rows = (
        await Invitation.select(*Invitation.all_columns(exclude=[Invitation.token_hash]))
        .where(Invitation.forum == forum.id)
        .order_by(Invitation.id, ascending=False)
    )
    outbox_ids = [r["outbox_id"] for r in rows if r["outbox_id"] is not None]
    statuses = {}
    if outbox_ids:
        mails = await Outbox.select(Outbox.id, Outbox.status).where(Outbox.id.is_in(outbox_ids))
        statuses = {m["id"]: m["status"] for m in mails}
    return [
        Row(
            id=r["id"],
            name=r["name"],
            email=r["email"],
            language=r["language"],
            category=labels.get(r["category"], ""),
            state=state_of(r, statuses.get(r["outbox_id"])),
            skip_approval=r["skip_approval"],
            skip_quota=r["skip_quota"],
            sent_at=r["sent_at"],
            registration_id=r["registration"],
        )
        for r in rows
    ]


async def _of(forum: Forum, invitation_id: int) -> Invitation:
    found = (
        await Invitation.objects()
        .where((Invitation.forum == forum.id) & (Invitation.id == invitation_id))
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such invitation."))
    return found


async def revoke(forum: Forum, invitation_id: int) -> None:
    """The link stops working; an invitation already used keeps its registration."""
    invitation = await _of(forum, invitation_id)
    await Invitation.update({Invitation.revoked_at: time.now()}).where(
        (Invitation.id == invitation.id)
        & Invitation.revoked_at.is_null()
        & Invitation.registered_at.is_null()
    )


async def resend(forum: Forum, invitation_id: int) -> None:
    """A new link mailed (the old one stops working); not for a used or closed one."""
    invitation = await _of(forum, invitation_id)
    category = await category_of(forum, invitation.category)
    token = secrets.token_urlsafe(24)
    message = _mail(forum, invitation, category, token)
    async with transaction():
        changed = (
            await Invitation.update(
                {Invitation.token_hash: token_hash(token), Invitation.sent_at: time.now()}
            )
            .where(
                (Invitation.id == invitation.id)
                & Invitation.revoked_at.is_null()
                & Invitation.registered_at.is_null()
                & Invitation.declined_at.is_null()
            )
            .returning(Invitation.id)
        )
        if not changed:
            raise NotResendable(
                _("This invitation was used, declined or withdrawn: it cannot be sent again.")
            )
        await db.insert(message)
        await Invitation.update({Invitation.outbox_id: message.id}).where(
            Invitation.id == invitation.id
        )
    mail.kick()
