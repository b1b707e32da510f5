"""A forum open for check-in today, confirmed people with tickets, a door token."""

from __future__ import annotations

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.checkin.services import devices
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import services as tickets
from tests.factories import bearer, make_forum, make_user
from tests.registration.helpers import person

TZ = "Asia/Taipei"


async def open_forum(slug: str = "tf", **fields):
    today = time.today(TZ)
    return await make_forum(slug, starts_on=today, ends_on=today, timezone=TZ, **fields)


async def ticket(forum, n: int = 1, **fields):
    """(registration, code) of a new confirmed sign-up."""
    outcome = await registration.register(forum, person(n, **fields))
    issued = await tickets.issue(forum, outcome.registration)
    return outcome.registration, issued.code


async def door(forum, name: str = "door"):
    _user, token = await make_user(name, role=Role.STAFF, forum=forum)
    return bearer(token)


def url(forum, tail: str = "checkins") -> str:
    return f"/api/forums/{forum.slug}/{tail}"


async def device_code(secret: str, slug: str) -> str:
    """A one-time device code made by the owner of the API token `secret`, as on the
    tokens page."""
    token = await ApiToken.objects(ApiToken.user).get(
        ApiToken.digest == accounts.token_digest(secret)
    )
    return (await devices.create_device_code(token.user, token.id, slug)).code
