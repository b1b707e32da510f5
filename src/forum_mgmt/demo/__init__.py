"""The demo forum: NGO Leaders Forum 2026, a forum file in this package, imported as any other.

Grounded in a Taipei Times report of 2026-01-08 ("Ministry outlines plan for INGO
center"): the Ministry of Foreign Affairs held the forum in Taipei on 2026-01-07. The
minister's address and WeWorld's keynote follow that report; every other speaker is an
invented sample person, marked as such, and says nothing in a real person's name.

`ngo-leaders-forum-2026.json` is in the format of `forum-mgmt export` / `import`, dated
on the real day (2026-01-07) and without uids (each installation gets its own). Loading
moves it to the demo's day: every date and instant by the same number of days, at the
same local time, so that the agenda, registration and check-in can be tried then.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import msgspec
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services as accounts
from forum_mgmt.core import time
from forum_mgmt.exports import services as exports
from forum_mgmt.exports.schemas import ForumTransfer
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, Role

SLUG = "ngo-leaders-forum-2026"
TZ = "Asia/Taipei"
FILE = Path(__file__).with_name(f"{SLUG}.json")

ORGANIZER = "demo-organizer"
STAFF = "demo-staff"


async def ensure_team(forum: Forum) -> dict[str, str]:
    """A demo organizer and a door staff member for the forum; returns new passwords.

    A password is printed only when the account is created (DEMO_PASSWORD, else generated).
    """
    created = {}
    for username, role in ((ORGANIZER, Role.ORGANIZER), (STAFF, Role.STAFF)):
        if await BaseUser.exists().where(BaseUser.username == username):
            continue
        user, password = await accounts.create_user(
            username, password=os.environ.get("DEMO_PASSWORD") or None
        )
        await forums.grant(forum, user, role)
        created[username] = password
    return created


async def load(day: dt.date | None = None) -> tuple[Forum, bool]:
    """Load the demo forum once; returns (forum, created). A second run changes nothing."""
    existing = await Forum.objects().where(Forum.slug == SLUG).first()
    if existing is not None:
        return existing, False
    doc = msgspec.json.decode(FILE.read_bytes(), type=ForumTransfer)
    dated = moved_to(doc, day or time.today(TZ))
    forum = await exports.import_forum(msgspec.json.encode(dated))
    return forum, True


def moved_to(doc: ForumTransfer, day: dt.date) -> ForumTransfer:
    """The forum file's forum starting on `day`: each date and instant moved by the same
    number of days, each instant at the same wall-clock time in the forum's zone."""
    days = day - doc.forum.starts_on
    tz = doc.forum.timezone

    def moved(instant: dt.datetime | None) -> dt.datetime | None:
        if instant is None:
            return None
        clock = time.local(instant, tz)
        return time.at(clock.date() + days, clock.time(), tz)

    forum = msgspec.structs.replace(
        doc.forum,
        starts_on=doc.forum.starts_on + days,
        ends_on=doc.forum.ends_on + days,
        registration_opens_at=moved(doc.forum.registration_opens_at),
        registration_closes_at=moved(doc.forum.registration_closes_at),
        published_at=moved(doc.forum.published_at),
    )
    sessions = [
        msgspec.structs.replace(
            s,
            starts_at=moved(s.starts_at),
            ends_at=moved(s.ends_at),
            cancelled_at=moved(s.cancelled_at),
        )
        for s in doc.sessions
    ]
    return msgspec.structs.replace(doc, forum=forum, sessions=sessions)
