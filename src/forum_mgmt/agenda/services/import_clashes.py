"""The clashes of a planned spreadsheet import: each row against the agenda, and the rows
against each other (one room, or one speaker, in two rows at once)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import cast

from forum_mgmt.agenda.schemas import SessionIn
from forum_mgmt.agenda.services.clashes import Clash, find_clashes
from forum_mgmt.agenda.services.import_plan import ImportPlan, ImportRow, Known
from forum_mgmt.core import time
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


async def find_row_clashes(forum: Forum, plan: ImportPlan, known: Known) -> None:
    """Each good row's clashes, with the agenda `known` holds and with the other rows."""
    good = [r for r in plan.rows if r.data is not None and not r.errors]
    for row in good:
        if _may_clash(forum, known, cast(SessionIn, row.data)):
            row.clashes = await _clashes_with_agenda(forum, cast(SessionIn, row.data))
    _clashes_between_rows(good)


def _may_clash(forum: Forum, known: Known, data: SessionIn) -> bool:
    """Whether find_clashes could find anything: a file of 2,000 rows for a free day, or an
    empty agenda, then costs no query per row. find_clashes alone decides what clashes."""
    first, _end = time.day_bounds(forum.starts_on, forum.timezone)
    _start, last = time.day_bounds(forum.ends_on, forum.timezone)
    if data.capacity is not None or data.starts_at < first or data.ends_at > last:
        return True
    before_end = bisect_left(known.starts, data.ends_at)  # sessions starting before it ends
    return before_end > 0 and known.reach[before_end - 1] > data.starts_at


async def _clashes_with_agenda(forum: Forum, data: SessionIn) -> list[Clash]:
    return await find_clashes(
        forum,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        room_id=data.room_id,
        speaker_ids=data.speaker_ids,
        capacity=data.capacity,
    )


def _clashes_between_rows(rows: list[ImportRow]) -> None:
    """Rows of the file that hold one room, or one speaker, at the same time."""
    groups: dict[tuple[str, int | str], list[ImportRow]] = defaultdict(list)
    names: dict[int | str, str] = {}
    for row in rows:
        row.data = cast(SessionIn, row.data)
        if row.data.room_id is not None:
            groups["room", row.data.room_id].append(row)
        for who, name in row.speakers:
            groups["speaker", who].append(row)
            names.setdefault(who, name)
    for (kind, who), group in groups.items():
        # grouped rows all have data: a row with errors was left out above
        group.sort(key=lambda r: r.data.starts_at)  # type: ignore[union-attr]  # see above
        for i, row in enumerate(group):
            for other in group[i + 1 :]:
                if other.data.starts_at >= row.data.ends_at:  # type: ignore[union-attr]  # ditto
                    break
                row.clashes.append(_row_clash(kind, other, names.get(who, "")))
                other.clashes.append(_row_clash(kind, row, names.get(who, "")))


def _row_clash(kind: str, other: ImportRow, name: str) -> Clash:
    title = other.values.get("title", "")
    if kind == "room":
        message = _("The room is already used by “%(title)s” at that time.") % {"title": title}
    else:
        message = _("%(name)s is also in “%(title)s” at that time.") % {
            "name": name,
            "title": title,
        }
    return Clash(kind, f"{message} " + _("(row %(row)d)") % {"row": other.number}, None)
