"""What /healthz reports: each service the app needs, and whether it answers."""

from __future__ import annotations

import logging

from forum_mgmt.core import db, stores
from forum_mgmt.core.settings import get_settings

log = logging.getLogger("forum_mgmt")


async def report() -> dict[str, str]:
    """`status` is "ok" only when every service used answers; Redis is "not_used" without
    REDIS_URL (sessions and sign-in counters then live in files on this host)."""
    try:
        database = await db.ping()
    except Exception:  # any database failure means "down", never a 500 page
        log.exception("health check: the database does not answer")
        database = False
    redis = "not_used"
    if get_settings().redis_url:
        redis = "ok" if await stores.ping(stores.get_store("sessions")) else "down"
    healthy = database and redis != "down"
    return {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "down",
        "redis": redis,
    }
