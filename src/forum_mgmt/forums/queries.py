"""The raw SQL of forums: each statement says why it is not a Piccolo query."""

from __future__ import annotations

from forum_mgmt.core.db import row_from
from forum_mgmt.forums.tables import Forum

# Every public page, feed and scan starts here: building the same Piccolo query cost more
# than running it (a third of a check-in's server time).
_BY_SLUG = f'SELECT * FROM "{Forum._meta.tablename}" WHERE slug = {{}}'  # noqa: S608 - our table's name


async def forum_by_slug(slug: str) -> Forum | None:
    """The forum with this slug, draft or published; None when there is none."""
    rows = await Forum.raw(_BY_SLUG, slug)
    return row_from(Forum, rows[0]) if rows else None
