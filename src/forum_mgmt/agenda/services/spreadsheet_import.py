"""Importing speakers or sessions from the spreadsheet an organizer already has, all or nothing.

spreadsheet.py reads the file; import_plan.py validates each row into the Struct the API
uses, so the rules are the API's, and import_clashes.py finds each row's clashes; `preview`
reports every row's errors and clashes, `apply` checks again and writes every row in one
transaction, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import msgspec
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.agenda.schemas import SessionIn, SpeakerIn
from forum_mgmt.agenda.services.import_clashes import find_row_clashes
from forum_mgmt.agenda.services.import_plan import (
    ImportPlan,
    ImportRow,
    name_key,
    plan_sessions,
    plan_speakers,
)
from forum_mgmt.agenda.services.items import add_speaker
from forum_mgmt.agenda.services.sessions import add_session
from forum_mgmt.agenda.services.spreadsheet import InvalidImport, read_sheet
from forum_mgmt.core.db import transaction
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum


class ImportRefused(InvalidImport):
    """Some rows are bad or clash: nothing was written."""

    code = "import_refused"

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_("Nothing was imported: some rows need attention."))
        self.plan = plan
        self.extra = {
            "rows": [
                {"row": r.number, "errors": r.errors, "clashes": [c.message for c in r.clashes]}
                for r in plan.rows
                if r.errors or r.clashes
            ]
        }


@dataclass(frozen=True)
class Imported:
    kind: str
    count: int
    new_speakers: int


async def preview(forum: Forum, data: bytes, *, kind: str | None = None) -> ImportPlan:
    """What the file would add to the forum, row by row, with every error and clash."""
    sheet = read_sheet(data, kind)
    rows = [ImportRow(number, values) for number, values in sheet.rows]
    plan = ImportPlan(sheet.kind, sheet.columns, sheet.ignored, rows)
    if plan.kind == "speakers":
        await plan_speakers(forum, plan)
    else:
        await find_row_clashes(forum, plan, await plan_sessions(forum, plan))
    return plan


async def apply(
    forum: Forum,
    data: bytes,
    *,
    kind: str | None = None,
    allow_conflicts: bool = False,
    by: BaseUser | None = None,
) -> Imported:
    """Every row of the file written in one transaction, or none (ImportRefused)."""
    async with transaction():  # checks and writes see the same agenda (IMMEDIATE on SQLite)
        plan = await preview(forum, data, kind=kind)
        if not plan.ready(allow_conflicts=allow_conflicts):
            raise ImportRefused(plan)
        if plan.kind == "speakers":
            for row in plan.rows:
                await add_speaker(forum, cast(SpeakerIn, row.data))
            return Imported(plan.kind, len(plan.rows), 0)
        added = {}
        for name in plan.new_speakers:
            added[name_key(name)] = (await add_speaker(forum, SpeakerIn(name=name))).id
        for row in plan.rows:
            ids = [added[who] if isinstance(who, str) else who for who, _n in row.speakers]
            session = cast(SessionIn, row.data)
            # The plan checked every clash (agenda and rows) in this transaction: not again.
            await add_session(
                forum,
                msgspec.structs.replace(session, speaker_ids=ids, allow_conflicts=True),
                by=by,
            )
        return Imported(plan.kind, len(plan.rows), len(added))
