"""Tickets' raw SQL, each statement with the reason it is not a Piccolo query.

Table names come from the Table classes; every value is a bound parameter (`{}`).
"""
# ruff: noqa: S608 - names from our Table classes, values bound; see above

from __future__ import annotations

import datetime as dt

from forum_mgmt.tickets.tables import Ticket

TICKET = Ticket._meta.tablename

# Every confirmed sign-up makes one, and Piccolo's insert building cost more than the insert.
# unique registration: of two racing first issues, one inserts; the other gets no row back.
FIRST = (
    f"INSERT INTO {TICKET} (registration, forum, serial, issued_at) VALUES ({{}}, {{}}, 1, {{}})"
    " ON CONFLICT (registration) DO NOTHING RETURNING serial"
)


async def insert_first(registration_id: int, forum_id: int, issued_at: dt.datetime) -> list[dict]:
    """The new ticket's serial (1) in a row, or no row when the ticket already exists."""
    return await Ticket.raw(FIRST, registration_id, forum_id, issued_at)
