"""The two-host test's data, written through the services into the database of DATABASE_URL
(the test's own, not the suite's): run as `python -m tests.deploy.seed RUN TICKETS`, prints
what the test needs as one JSON line."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys

from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.checkin.services import devices
from forum_mgmt.core import db
from forum_mgmt.core import time as clock
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.tickets import services as tickets
from tests.factories import TZ, make_forum, make_session, make_user

RUSH_SEATS = 50


async def seed(run: str, people: int) -> dict:
    await db.open_pool()
    try:
        today = clock.today(TZ)
        # Open for check-in today; its agenda is what the hosts serve.
        forum = await make_forum(f"hosts-{run}", starts_on=today, ends_on=today)
        session = await make_session(forum, "Opening", day=today)
        organizer, organizer_token = await make_user(f"org{run}", role=Role.ORGANIZER, forum=forum)
        staff, staff_token = await make_user(f"door{run}", role=Role.STAFF, forum=forum)
        token = await ApiToken.objects().where(ApiToken.user == staff.id).first()
        device = await devices.create_device_code(staff, token.id, forum.slug)
        await make_user(f"guess{run}")
        await make_user(f"spoof{run}")
        codes = []
        for n in range(people):
            outcome = await registration.register(
                forum,
                RegistrationIn(
                    name=f"Guest {n}",
                    email=f"guest{n}-{run}@example.org",
                    organization="Two hosts",
                    country="TW",
                    consent=True,
                ),
            )
            codes.append((await tickets.issue(forum, outcome.registration)).code)
        # A sign-up rush: every sign-up comes from the proxy's one test client.
        rush = await make_forum(
            f"rush-{run}",
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
            capacity=RUSH_SEATS,
            signup_limit_per_address=0,
        )
        await registration.ensure_categories(rush)
        return {
            "forum": forum.slug,
            "forum_id": forum.id,
            "session": session.id,
            "organizer": organizer.username,
            "organizer_token": organizer_token,
            "staff_token": staff_token,
            "device_code": device.code,
            "guesser": f"guess{run}",
            "spoofer": f"spoof{run}",
            "codes": codes,
            "rush": rush.slug,
            "rush_id": rush.id,
            "seats": RUSH_SEATS,
        }
    finally:
        await db.close_pool()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(seed(sys.argv[1], int(sys.argv[2])))))  # noqa: T201
