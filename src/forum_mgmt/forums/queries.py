"""The raw SQL of forums: each statement says why it is not a Piccolo query."""

from __future__ import annotations

from copy import copy

from forum_mgmt.core import db
from forum_mgmt.core.db import row_from
from forum_mgmt.forums.tables import Forum

# Every public page, feed and scan starts here: building the same Piccolo query cost more
# than running it (a third of a check-in's server time).
_BY_SLUG = f'SELECT * FROM "{Forum._meta.tablename}" WHERE slug = {{}}'  # noqa: S608 - our table's name


# Every worker also keeps the last row object it made per slug: when the row read is the
# same, a copy of that object is cheaper than a new one from 46 columns (~0.03 ms of a
# scan's CPU). Never stale: the row is read each time, and only equal values are reused.
_known: dict[str, tuple[dict, Forum]] = {}


async def forum_by_slug(slug: str) -> Forum | None:
    """The forum with this slug, draft or published; None when there is none. A new object
    each time: the caller may change it."""
    rows = await db.fetch(Forum, _BY_SLUG, slug)
    if not rows:
        return None
    values = rows[0]
    known = _known.get(slug)
    if known is not None and known[0] == values:
        return copy(known[1])
    if len(_known) > 1_000:
        _known.clear()
    forum = row_from(Forum, values)
    _known[slug] = (values, copy(forum))
    return forum
