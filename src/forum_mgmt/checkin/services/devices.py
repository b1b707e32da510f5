"""Device links: a one-time code that signs a phone in as a scanner of one forum.

A link is opened on another device, printed, sent in a chat, pasted into a log: it must
not hold the API token, which would then work for years and for everything its owner may
do. It holds a random code (128 bits) instead, good for CODE_MINUTES and for one sign-in;
only the code's digest is stored, beside the token and the forum it stands for.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.checkin.tables import DeviceCode
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError, Forbidden, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, Role

CODE_PREFIX = "fmd_"  # recognisable, so that logs can redact it (core/logs.py)
CODE_MINUTES = 10


class DeviceCodeUnknown(DomainError):
    status_code, code = 404, "device_code_unknown"


class DeviceCodeGone(DomainError):
    status_code, code = 410, "device_code_gone"


@dataclass(frozen=True)
class DeviceSignIn:
    """What a used code signs in: the token's owner, as a scanner of this forum."""

    user: BaseUser
    forum: Forum
    token_digest: str


@dataclass(frozen=True)
class NewDeviceCode:
    code: str  # shown once, in the link
    forum: Forum
    expires_at: dt.datetime


async def create_device_code(user: BaseUser, token_id: int, slug: str) -> NewDeviceCode:
    """A new code for one of the user's unrevoked tokens, at a forum where the user is staff
    or organizer; the code is returned once and only its digest is stored."""
    forum = await forums.forum_for(user, slug, Role.STAFF)
    token = (
        await ApiToken.objects()
        .where(
            (ApiToken.id == token_id) & (ApiToken.user == user.id) & ApiToken.revoked_at.is_null()
        )
        .first()
    )
    if token is None:
        raise NotFound(_("There is no such active token."))
    code = CODE_PREFIX + secrets.token_urlsafe(16)
    now = time.now()
    row = DeviceCode(
        token=token.id,
        forum=forum.id,
        digest=accounts.token_digest(code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    await row.save()
    return NewDeviceCode(code, forum, row.expires_at)


async def check_device_code(slug: str, code: str) -> Forum:
    """The forum, when the code may still be used there; else why not."""
    row = await _code_at(slug, code)
    if row.used_at is not None:
        raise _used()
    if row.expires_at <= time.now():
        raise _expired()
    return await forums.get_forum(slug)


async def use_device_code(slug: str, code: str) -> DeviceSignIn:
    """Spend the code (once, even when two devices send it at the same instant) and say whom
    it signs in; refused when the token was revoked or its owner is no longer staff here."""
    row = await _code_at(slug, code)
    now = time.now()
    spent = (
        await DeviceCode.update({DeviceCode.used_at: now})
        .where(
            (DeviceCode.id == row.id) & DeviceCode.used_at.is_null() & (DeviceCode.expires_at > now)
        )
        .returning(DeviceCode.id)
    )
    if not spent:
        raise _used() if row.used_at is not None or row.expires_at > now else _expired()
    token = await ApiToken.objects().where(ApiToken.id == row.token).first()
    user = await accounts.user_for_digest(token.digest) if token else None
    if token is None or user is None:
        raise Forbidden(_("The token behind this device link was revoked."))
    try:
        forum = await forums.forum_for(user, slug, Role.STAFF)
    except Forbidden:
        raise Forbidden(_("This device link does not give check-in rights here.")) from None
    return DeviceSignIn(user, forum, token.digest)


async def _code_at(slug: str, code: str) -> DeviceCode:
    code = code.strip()
    row = None
    if code.startswith(CODE_PREFIX) and len(code) <= 100:
        row = (
            await DeviceCode.objects()
            .where(
                (DeviceCode.digest == accounts.token_digest(code)) & (DeviceCode.forum.slug == slug)
            )
            .first()
        )
    if row is None:
        raise DeviceCodeUnknown(
            _("This device link is wrong or belongs to another forum. Ask for a new one.")
        )
    return row


def _used() -> DeviceCodeGone:
    return DeviceCodeGone(
        _(
            "This device link has already been used: a link signs in one device, once. "
            "Ask for a new one."
        )
    )


def _expired() -> DeviceCodeGone:
    return DeviceCodeGone(
        _("This device link has expired: a link works for %(num)d minutes. Ask for a new one.")
        % {"num": CODE_MINUTES}
    )
