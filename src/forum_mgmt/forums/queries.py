"""The raw SQL of forums: each statement says why it is not a Piccolo query."""

from __future__ import annotations

from copy import copy

from forum_mgmt.core import db
from forum_mgmt.core.db import row_from
from forum_mgmt.forums.tables import Forum

# Every public page, feed and scan starts here: building the same Piccolo query cost more
# than running it (a third of a check-in's server time).
_BY_SLUG = f'SELECT * FROM "{Forum._meta.tablename}" WHERE slug = {{}}'  # noqa: S608 - our table's name


# On PostgreSQL each worker also keeps the last row it read per slug, with the row version's
# identity (xmin, ctid: every UPDATE of the row writes a new version, whoever makes it, in
# SQL or not), and first asks only for that: an unchanged forum is a one-column index read
# and a copy, not 46 columns decoded into a new row object (~0.15 ms of a scan's CPU). Never
# stale: a changed row is read again. Not inside a transaction (which may be changing it).
_VERSION = f'SELECT xmin, ctid FROM "{Forum._meta.tablename}" WHERE slug = {{}}'  # noqa: S608 - our table's name
_BY_SLUG_VERSIONED = f'SELECT xmin, ctid, * FROM "{Forum._meta.tablename}" WHERE slug = {{}}'  # noqa: S608 - our table's name
_known: dict[str, tuple[tuple, Forum]] = {}


async def forum_by_slug(slug: str) -> Forum | None:
    """The forum with this slug, draft or published; None when there is none. A new object
    each time: the caller may change it."""
    if not db.pooled(Forum):
        rows = await Forum.raw(_BY_SLUG, slug)
        return row_from(Forum, rows[0]) if rows else None
    known = _known.get(slug)
    if known is not None:
        rows = await db.fetch(Forum, _VERSION, slug)
        if not rows:
            return None
        if (rows[0]["xmin"], rows[0]["ctid"]) == known[0]:
            return copy(known[1])
    rows = await db.fetch(Forum, _BY_SLUG_VERSIONED, slug)
    if not rows:
        return None
    values = rows[0]
    version = (values.pop("xmin"), values.pop("ctid"))
    if len(_known) > 1_000:
        _known.clear()
    forum = row_from(Forum, values)
    _known[slug] = (version, forum)
    return copy(forum)
