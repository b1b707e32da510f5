"""The raw SQL of exports: each statement says why it is not a Piccolo query."""

from __future__ import annotations

from typing import Any

from forum_mgmt.agenda.tables import AgendaSession, Room, Track

# What every export of a forum depends on (cache.py): the sessions' newest change and
# count, and every room and track (their names are in the page's filters even when no
# session uses them yet). One query, a few small rows, asked before every cached answer:
# a UNION of three tables that Piccolo's query builder cannot write as one statement.
# Only our tables' names are formatted in; values go as parameters.
_FINGERPRINT = (
    "SELECT 'sessions' AS kind, count(*) AS id, '' AS name, '' AS name_local, '' AS extra, "  # noqa: S608
    f'max(updated_at) AS last FROM "{AgendaSession._meta.tablename}" WHERE forum = {{}} '
    "UNION ALL SELECT 'room', id, name, name_local, CAST(capacity AS TEXT), NULL "
    f'FROM "{Room._meta.tablename}" WHERE forum = {{}} '
    "UNION ALL SELECT 'track', id, name, name_local, color, NULL "
    f'FROM "{Track._meta.tablename}" WHERE forum = {{}}'
)


async def agenda_fingerprint_rows(forum_id: int) -> list[dict[str, Any]]:
    """One row `kind="sessions"` (`id`: how many, `last`: the newest change, text on
    SQLite), then one per room and per track with its id, names and capacity or color."""
    return await AgendaSession.raw(_FINGERPRINT, forum_id, forum_id, forum_id)
