"""Group codes: one code for a delegation, N sign-ups, each placed in the code's category.

A use is one conditional `UPDATE group_code SET uses = uses + 1 WHERE uses < max_uses`,
the first write of the sign-up's transaction (registration.Admission): under a rush the
row lock (PostgreSQL) or the write lock (SQLite) lets exactly N through, and a sign-up
that fails afterwards (a full forum, a known address) gives its use back on rollback.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from forum_mgmt.core import db, time
from forum_mgmt.core.errors import Conflict, DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations.services.invite import category_of
from forum_mgmt.invitations.tables import GroupCode
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.services.register import is_unique_violation
from forum_mgmt.registration.tables import Category, Registration

# No 0/O, 1/I/L: a code is read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
CODE = re.compile(r"^[A-Z0-9-]{4,32}$")
MAX_USES = 10_000


class InvalidGroupCode(DomainError):
    status_code, code = 422, "invalid_group_code"


class CodeUsedUp(Conflict):
    code = "group_code_used_up"


def _unknown() -> NotFound:
    return NotFound(_("This group code does not work: check how it is spelled."))


def normal(code: str) -> str:
    return code.strip().upper()


async def create_code(
    forum: Forum,
    category: Category,
    *,
    label: str,
    max_uses: int,
    skip_approval: bool = False,
    code: str = "",
) -> GroupCode:
    """A new code of the forum (made up unless given), good for `max_uses` sign-ups."""
    fields = {}
    label = label.strip()
    if len(label) > 200 or registration.checks.has_control(label) or "<" in label:
        fields["label"] = _("At most 200 characters, no control characters or angle brackets.")
    if not 1 <= max_uses <= MAX_USES:
        fields["max_uses"] = _("Between 1 and %(num)d.") % {"num": MAX_USES}
    code = normal(code) or "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    if not CODE.match(code):
        fields["code"] = _("4 to 32 letters, digits or hyphens.")
    if fields:
        raise InvalidGroupCode(_("Some fields need attention."), fields=fields)
    row = GroupCode(
        forum=forum.id,
        category=category.id,
        code=code,
        label=label,
        max_uses=max_uses,
        skip_approval=skip_approval,
        created_at=time.now(),
    )
    try:
        await db.insert(row)
    except Exception as err:
        if is_unique_violation(err):
            raise InvalidGroupCode(
                _("Some fields need attention."),
                fields={"code": _("This forum has this code already.")},
            ) from None
        raise
    return row


@dataclass(frozen=True)
class CodeRow:
    id: int
    code: str
    label: str
    category: str
    uses: int
    max_uses: int
    skip_approval: bool
    revoked: bool


async def codes(forum: Forum, *, categories: list[Category]) -> list[CodeRow]:
    """The forum's group codes with their uses, newest first (one query)."""
    labels = {c.id: registration.category_name(c) for c in categories}
    rows = (
        await GroupCode.select(*GroupCode.all_columns())
        .where(GroupCode.forum == forum.id)
        .order_by(GroupCode.id, ascending=False)
    )
    return [
        CodeRow(
            id=r["id"],
            code=r["code"],
            label=r["label"],
            category=labels.get(r["category"], ""),
            uses=r["uses"],
            max_uses=r["max_uses"],
            skip_approval=r["skip_approval"],
            revoked=r["revoked_at"] is not None,
        )
        for r in rows
    ]


async def revoke_code(forum: Forum, code_id: int) -> None:
    """No more sign-ups with it; those made keep their registrations."""
    found = (
        await GroupCode.update({GroupCode.revoked_at: time.now()})
        .where(
            (GroupCode.forum == forum.id)
            & (GroupCode.id == code_id)
            & GroupCode.revoked_at.is_null()
        )
        .returning(GroupCode.id)
    )
    if not found and not await GroupCode.exists().where(
        (GroupCode.forum == forum.id) & (GroupCode.id == code_id)
    ):
        raise NotFound(_("There is no such group code."))


@dataclass
class ByCode:
    """registration.Admission for one use of a group code."""

    row: GroupCode
    category_code: str
    skip_quota: bool = False
    proven_email: str | None = None  # a code proves no address

    @property
    def skip_approval(self) -> bool:
        return self.row.skip_approval

    async def claim(self) -> None:
        used = (
            await GroupCode.update({GroupCode.uses: GroupCode.uses + 1})
            .where(
                (GroupCode.id == self.row.id)
                & (GroupCode.uses < GroupCode.max_uses)
                & GroupCode.revoked_at.is_null()
            )
            .returning(GroupCode.uses)
        )
        if not used:
            raise CodeUsedUp(_("This group code has been used as often as it may be."))

    async def admitted(self, registration_: Registration) -> None:
        return None


async def usable(forum: Forum, code: str) -> tuple[GroupCode, Category]:
    """The forum's code and its category; a wrong or withdrawn code is NotFound."""
    code = normal(code)
    if not CODE.match(code):
        raise _unknown()
    row = (
        await GroupCode.objects()
        .where(
            (GroupCode.forum == forum.id)
            & (GroupCode.code == code)
            & GroupCode.revoked_at.is_null()
        )
        .first()
    )
    if row is None:
        raise _unknown()
    return row, await category_of(forum, row.category)


async def register_with_code(
    forum: Forum, code: str, data: RegistrationIn, *, address: str | None = None
):
    """A sign-up with a group code, in its category; at most its uses, even in a rush."""
    row, category = await usable(forum, code)
    return await registration.register(
        forum, data, address=address, admission=ByCode(row, category.code)
    )
