"""How many sign-ups one client address may send a forum per hour.

Counted with the shared counters of core/stores.py (a Lua script on Redis, a flock'd file
otherwise), so parallel requests from one address, on any worker, cannot all slip under
the ceiling. The forum's `signup_limit_per_address` is the ceiling; 0 turns it off (a
ministry whose staff all sign up from one office network).
"""

from __future__ import annotations

import logging
import math

from forum_mgmt.core import stores
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import ngettext
from forum_mgmt.core.stores import get_store
from forum_mgmt.forums.tables import Forum

log = logging.getLogger("forum_mgmt.registration")

WINDOW = 60 * 60  # seconds
STORE = "signups"


class TooManySignups(DomainError):
    status_code, code = 429, "too_many_signups"


def _key(forum: Forum, address: str) -> str:
    return f"forum:{forum.id}:{address}"


async def take_signup(forum: Forum, address: str) -> None:
    """One of the address's sign-ups on this forum, or TooManySignups with Retry-After."""
    limit = forum.signup_limit_per_address
    if not limit:
        return
    store = get_store(STORE)
    try:
        if await stores.take(store, _key(forum, address), limit=limit, expires_in=WINDOW):
            return
    except stores.StoreUnavailable:
        # Sign-up keeps working while the shared store is away (Redis down): a limit that
        # cannot be counted lets people in rather than turning everyone away.
        log.warning("sign-up limit not counted: the %r store cannot be reached", STORE)
        return
    # The counter is forgotten WINDOW seconds after its last counted sign-up.
    async with stores.reachable():
        wait = await store.expires_in(_key(forum, address)) or WINDOW
    minutes = max(1, math.ceil(wait / 60))
    err = TooManySignups(
        ngettext(
            "Too many sign-ups have come from your network address. "
            "Please try again in %(num)d minute.",
            "Too many sign-ups have come from your network address. "
            "Please try again in %(num)d minutes.",
            minutes,
        )
        % {"num": minutes}
    )
    err.headers["Retry-After"] = str(wait)
    raise err
