"""A forum's privacy notice: a default text drawn from the forum, then saved versions.

Each save is a new version (rows are never changed), so a registration can name the text
its person accepted. Version 0 is the default text, written from the forum's own facts
until the organizers save one of their own.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.core import i18n, time
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import Conflict, DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum, Organisation, PrivacyNotice

MAX_TEXT = 20_000
DEFAULT_RETENTION_DAYS = 90  # what docs/privacy.md promises when a forum sets none


class InvalidNotice(DomainError):
    status_code, code = 422, "invalid_notice"


@dataclass(frozen=True)
class Notice:
    version: int  # 0: the default text, never saved
    text: str
    text_local: str
    created_at: dt.datetime | None


async def current(forum: Forum) -> Notice:
    """The notice attendees accept now: the newest saved version, else the default text."""
    row = (
        await PrivacyNotice.objects()
        .where(PrivacyNotice.forum == forum.id)
        .order_by(PrivacyNotice.version, ascending=False)
        .first()
    )
    if row is None:
        return await default(forum)
    return Notice(row.version, row.text, row.text_local, row.created_at)


async def current_version(forum: Forum) -> int:
    """The version number a consent given now accepts (0: the default text)."""
    row = (
        await PrivacyNotice.select(PrivacyNotice.version)
        .where(PrivacyNotice.forum == forum.id)
        .order_by(PrivacyNotice.version, ascending=False)
        .first()
    )
    return row["version"] if row else 0


async def versions(forum: Forum) -> list[PrivacyNotice]:
    """Every saved version, the newest first."""
    return (
        await PrivacyNotice.objects()
        .where(PrivacyNotice.forum == forum.id)
        .order_by(PrivacyNotice.version, ascending=False)
    )


def retention_days(forum: Forum) -> int:
    """Days personal data is kept after the forum's last day."""
    days = getattr(forum, "retention_days", None)  # set per forum where the column exists
    return days if isinstance(days, int) and days >= 0 else DEFAULT_RETENTION_DAYS


async def default(forum: Forum) -> Notice:
    """The notice written from the forum: who holds the data, why, how long, whom to ask."""
    organisation = await Organisation.objects().where(Organisation.id == forum.organisation).first()
    texts = {}
    for lang in ("en", "zh-TW"):
        with i18n.language(lang):
            texts[lang] = _default_text(forum, organisation, lang)
    return Notice(0, texts["en"], texts["zh-TW"], None)


def _default_text(forum: Forum, organisation: Organisation | None, lang: str) -> str:
    local = lang == "zh-TW"
    name = (forum.name_local if local else "") or forum.name
    holder = ""
    if organisation is not None:
        holder = (organisation.name_local if local else "") or organisation.name
    days = retention_days(forum)
    keep_until = forum.ends_on + dt.timedelta(days=days)
    contact = forum.contact_email or _("the organizers of the forum, through its public page")
    parts = [
        _("Privacy notice of %(forum)s") % {"forum": name},
        _(
            "Who holds your data: %(holder)s, which organises the forum, keeps the personal "
            "data you give when you register."
        )
        % {"holder": holder or name},
        _(
            "What for: to run the forum's registration, your ticket, the check-in at the door, "
            "and the messages about your registration. Nothing else: it is not sold, not "
            "shared for marketing and not published."
        ),
        _(
            "What is kept: the details of the registration form (name, email, organisation, "
            "title, country, category, dietary and accessibility needs, answers), the "
            "workshops you book and the sessions you star, your check-ins, and the messages "
            "sent to you."
        ),
        _(
            "How long: until %(days)d days after the forum's last day (%(last)s), that is "
            "until %(until)s; then it is erased or made anonymous."
        )
        % {
            "days": days,
            "last": time.fmt_date(forum.ends_on, "long"),
            "until": time.fmt_date(keep_until, "long"),
        },
        _(
            "Your rights: your private ticket page shows your data, lets you correct it, "
            "download a copy of it, cancel your registration, or erase your data at any time."
        ),
        _("Whom to ask: %(contact)s.") % {"contact": contact},
    ]
    return "\n\n".join(parts)


def _check(text: str, text_local: str) -> None:
    fields = {}
    if not text.strip():
        fields["text"] = _("Write the notice.")
    elif len(text) > MAX_TEXT:
        fields["text"] = _("At most 20,000 characters.")
    if len(text_local) > MAX_TEXT:
        fields["text_local"] = _("At most 20,000 characters.")
    if fields:
        raise InvalidNotice(_("Some fields need attention."), fields=fields)


async def save(forum: Forum, *, text: str, text_local: str, by: BaseUser | None) -> Notice:
    """A new version of the notice, unless the text is the current one (then nothing moves:
    consents given to the same words keep their version)."""
    text, text_local = _clean(text), _clean(text_local)
    _check(text, text_local)
    now = time.now()
    async with transaction():
        latest = await current(forum)
        if latest.version and (latest.text, latest.text_local) == (text, text_local):
            return latest
        row = PrivacyNotice(
            forum=forum.id,
            version=latest.version + 1,
            text=text,
            text_local=text_local,
            created_at=now,
            created_by=by.id if by is not None else None,
        )
        try:
            await row.save()
        except Exception as err:
            if not _unique_violation(err):
                raise
            # the unique key (forum, version): another save took this number first
            raise Conflict(
                _("Someone saved the notice at the same time. Please try again.")
            ) from err
    return Notice(row.version, text, text_local, now)


def _unique_violation(err: Exception) -> bool:
    if isinstance(err, sqlite3.IntegrityError):
        return "UNIQUE" in str(err)
    return type(err).__name__ == "UniqueViolationError"


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
