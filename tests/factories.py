"""Build test data through the same services the app uses."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services as accounts
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import RoomIn, SessionIn, SessionSpeakerIn, SpeakerIn, TrackIn
from forum_mgmt.core import i18n, time
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Forum, Role

TZ = "Asia/Taipei"
# The test forum's day is always a month after the day the tests run (in Taipei), so that
# registration is open (until the forum's last day ends) and check-in not yet (it opens the
# day before): no test may depend on the calendar date. Something that is already past
# is relative to TODAY (or time.now()), something before or after the forum relative to DAY.
TODAY = time.today(TZ)
DAY = TODAY + dt.timedelta(days=30)
NEXT_DAY = DAY + dt.timedelta(days=1)


def at(clock: str, day: dt.date = DAY) -> str:
    """A wall-clock time in Taipei as the API writes it: at("09:00") is DAY's 09:00+08:00."""
    return f"{day.isoformat()}T{dt.time.fromisoformat(clock).isoformat()}+08:00"


def utc(clock: str, day: dt.date = DAY) -> dt.datetime:
    """An instant given in UTC: utc("01:00") is 09:00 in Taipei on DAY."""
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=dt.UTC)


def spelled(day: dt.date = DAY, style: str = "full", lang: str = "en") -> str:
    """A day as the pages write it ("Saturday, 5 December 2026", "2026年12月5日 星期六")."""
    return format_date(day, format=style, locale=i18n.babel_locale(lang))


async def make_forum(slug: str = "test-forum", *, publish: bool = True, **fields) -> Forum:
    org = await forums.ensure_organisation("test-org", name="Test Org", name_local="測試組織")
    data = {
        "slug": slug,
        "name": "Test Forum",
        "name_local": "測試論壇",
        "starts_on": DAY,
        "ends_on": DAY,
        "timezone": TZ,
        "theme": "Testing everything",
        "venue": "Taipei",
    }
    data.update(fields)
    forum = await forums.create_forum(org, ForumIn(**data))
    return await forums.publish(forum) if publish else forum


async def make_session(
    forum: Forum,
    title: str = "A talk",
    *,
    start: str = "09:00",
    end: str = "10:00",
    day: dt.date = DAY,
    room=None,
    track=None,
    speakers=(),
    **fields,
):
    return await agenda.add_session(
        forum,
        SessionIn(
            title=title,
            starts_at=time.at(day, dt.time.fromisoformat(start), forum.timezone),
            ends_at=time.at(day, dt.time.fromisoformat(end), forum.timezone),
            room_id=room.id if room else None,
            track_id=track.id if track else None,
            speakers=[SessionSpeakerIn(sp.id) for sp in speakers],
            **fields,
        ),
    )


async def make_room(forum: Forum, name: str = "Main Hall", **fields):
    return await agenda.add_room(forum, RoomIn(name=name, **fields))


async def make_track(forum: Forum, name: str = "Diplomacy", **fields):
    return await agenda.add_track(forum, TrackIn(name=name, **fields))


async def make_speaker(forum: Forum, name: str = "Lin Chia-lung", **fields):
    return await agenda.add_speaker(forum, SpeakerIn(name=name, **fields))


PASSWORD = "secret-pass-2026"
_HASHED: str | None = None


async def make_user(
    username: str, *, role: Role | None = None, forum: Forum | None = None, admin: bool = False
) -> tuple[BaseUser, str]:
    """A user (password PASSWORD) with an optional role on a forum; returns (user, token)."""
    global _HASHED
    if _HASHED is None:  # hashing takes ~0.2 s: do it once per run
        _HASHED = BaseUser.hash_password(PASSWORD)
    user = BaseUser(
        username=username,
        password=_HASHED,
        email=f"{username}@users.invalid",
        active=True,
        admin=admin,
    )
    await user.save()
    if role is not None and forum is not None:
        await forums.grant(forum, user, role)
    _token, secret = await accounts.create_token(user, "tests")
    return user, secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}
