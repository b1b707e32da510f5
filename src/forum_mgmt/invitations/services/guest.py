"""The guest's side of an invitation link: open it (the form, filled in), register through
it once, or decline it. A used, declined or withdrawn link answers what happened to it."""

from __future__ import annotations

from dataclasses import dataclass

from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum, ForumRole, Role
from forum_mgmt.invitations.services.invite import category_of, forum_language, token_hash
from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail import services as mail
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.services.notify import forum_context
from forum_mgmt.registration.tables import Category, Registration


class InvitationClosed(Conflict):
    code = "invitation_closed"


def _unknown() -> NotFound:
    return NotFound(_("This invitation link does not work: check that it was copied whole."))


def _closed(invitation: Invitation) -> InvitationClosed:
    if invitation.revoked_at is not None:
        return InvitationClosed(_("This invitation has been withdrawn by the organizer."))
    if invitation.registered_at is not None:
        return InvitationClosed(
            _("This invitation has been used. Your private link is in the confirmation mail.")
        )
    return InvitationClosed(_("You have declined this invitation."))


@dataclass
class Opened:
    forum: Forum
    invitation: Invitation
    category: Category


async def _find(token: str) -> Invitation:
    if not token or len(token) > 64:
        raise _unknown()
    found = await Invitation.objects().where(Invitation.token_hash == token_hash(token)).first()
    if found is None:
        raise _unknown()
    return found


async def open_link(token: str) -> Opened:
    """The invitation behind a link, marked opened; a closed one is InvitationClosed."""
    invitation = await _find(token)
    if invitation.revoked_at or invitation.registered_at or invitation.declined_at:
        raise _closed(invitation)
    forum = await _forum_of(invitation)
    if invitation.opened_at is None:
        invitation.opened_at = time.now()
        await Invitation.update({Invitation.opened_at: invitation.opened_at}).where(
            (Invitation.id == invitation.id) & Invitation.opened_at.is_null()
        )
    return Opened(forum, invitation, await category_of(forum, invitation.category))


async def _forum_of(invitation: Invitation) -> Forum:
    forum = await Forum.objects().where(Forum.id == invitation.forum).first()
    if forum is None:  # deleted with the invitation meanwhile
        raise _unknown()
    return forum


def _usable(invitation_id: int):
    return (
        (Invitation.id == invitation_id)
        & Invitation.revoked_at.is_null()
        & Invitation.registered_at.is_null()
        & Invitation.declined_at.is_null()
    )


@dataclass
class ByInvitation:
    """registration.Admission for one invitation: its use is the conditional UPDATE."""

    invitation: Invitation
    category_code: str

    @property
    def skip_approval(self) -> bool:
        return self.invitation.skip_approval

    @property
    def skip_quota(self) -> bool:
        return self.invitation.skip_quota

    @property
    def proven_email(self) -> str | None:
        return self.invitation.email

    async def claim(self) -> None:
        used = (
            await Invitation.update({Invitation.registered_at: time.now()})
            .where(_usable(self.invitation.id))
            .returning(Invitation.id)
        )
        if not used:
            fresh = await Invitation.objects().where(Invitation.id == self.invitation.id).first()
            raise _closed(fresh or self.invitation)

    async def admitted(self, registration_: Registration) -> None:
        await Invitation.update({Invitation.registration: registration_.id}).where(
            Invitation.id == self.invitation.id
        )


async def register(token: str, data: RegistrationIn, *, address: str | None = None):
    """The guest's registration through the link: in the invitation's category, past what
    it lets them skip; the link works once (registration.register's Outcome or Mailbox)."""
    opened = await open_link(token)
    admission = ByInvitation(opened.invitation, opened.category.code)
    outcome = await registration.register(opened.forum, data, admission=admission)
    return opened.forum, outcome


async def decline(token: str) -> Forum:
    """The guest says no: the link closes and the organizers are told (nothing is freed:
    an invitation holds no seat)."""
    invitation = await _find(token)
    forum = await _forum_of(invitation)
    addresses = await _organizer_addresses(forum)
    workspace = f"{get_settings().base_url}/manage/forums/{forum.slug}/invitations"
    async with transaction():
        declined = (
            await Invitation.update({Invitation.declined_at: time.now()})
            .where(_usable(invitation.id))
            .returning(Invitation.id)
        )
        if not declined:
            raise _closed(invitation)
        for address in addresses:
            await mail.enqueue(
                address,
                "invitation_declined",
                language=forum_language(forum),
                context={
                    "guest": invitation.name,
                    "email": invitation.email,
                    "forum": forum_context(forum),
                    "workspace": workspace,
                },
                forum_id=forum.id,
            )
    mail.kick()
    return forum


async def _organizer_addresses(forum: Forum) -> list[str]:
    """Where news for the organizers goes: the forum's contact address, else each organizer's."""
    if forum.contact_email:
        return [forum.contact_email]
    rows = await ForumRole.select(ForumRole.user.email).where(
        (ForumRole.forum == forum.id) & (ForumRole.role == Role.ORGANIZER)
    )
    return sorted({r["user.email"] for r in rows if r["user.email"]})
