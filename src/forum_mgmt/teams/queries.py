"""Raw SQL of the teams domain, each statement with its reason. Table and column names come
from the tables' definitions; values go as parameters."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table

from forum_mgmt.forums.tables import Role


async def lock_place(place_table: type[Table], place_id: int) -> None:
    """Serialise the changes to one team: a no-op UPDATE of the forum's (or organisation's)
    row holds its row lock until the commit. On PostgreSQL (READ COMMITTED) two removals of
    two different organizers would otherwise each count the other one still there and both
    succeed; the second now waits, and its statements then see the first one's commit.
    (`created_at`, not the key: a key update would also block inserts that reference it.)
    On SQLite the IMMEDIATE transaction already serialises writers."""
    table = place_table._meta.tablename
    await place_table.raw(
        f'UPDATE "{table}" SET "created_at" = "created_at" WHERE "id" = {{}}',  # noqa: S608 - our names
        place_id,
    )


def _others_remain(members: str, place: str) -> str:
    # The last organizer stays: the write itself checks that another organizer remains.
    return (
        f'("role" <> \'{Role.ORGANIZER}\' OR (SELECT count(*) FROM "{members}" AS o '  # noqa: S608 - our names
        f'WHERE o."{place}" = {{}} AND o."role" = \'{Role.ORGANIZER}\') > 1)'
    )


async def remove_member(
    members: type[Table], place: str, place_id: int, user_id: int
) -> list[dict]:
    """Delete one person's role unless they are the team's last organizer; the deleted row's
    role, or nothing (no such member, or the last organizer)."""
    table, column = members._meta.tablename, place
    sql = (
        f'DELETE FROM "{table}" WHERE "{column}" = {{}} AND "user" = {{}} AND '  # noqa: S608 - our names
        f'{_others_remain(table, column)} RETURNING "role"'
    )
    return await members.raw(sql, place_id, user_id, place_id)


async def change_role(
    members: type[Table], place: str, place_id: int, user_id: int, role: Role
) -> list[dict]:
    """Give a member another role; an organizer becomes staff only if another organizer
    remains. The row's new role, or nothing (no such member, or the last organizer)."""
    table, column = members._meta.tablename, place
    guard = "" if role == Role.ORGANIZER else f" AND {_others_remain(table, column)}"
    sql = (
        f'UPDATE "{table}" SET "role" = {{}} WHERE "{column}" = {{}} AND "user" = {{}}'  # noqa: S608 - our names
        f'{guard} RETURNING "role"'
    )
    args = [str(role), place_id, user_id] + ([] if role == Role.ORGANIZER else [place_id])
    return await members.raw(sql, *args)


async def account_by_email(email: str) -> int | None:
    """The id of the account with this address, case-blind: people type their address as
    they please, and one address is one person (BaseUser.email is unique as typed)."""
    rows = await BaseUser.raw(
        f'SELECT "id" FROM "{BaseUser._meta.tablename}" WHERE lower("email") = lower({{}}) '  # noqa: S608 - our names
        'ORDER BY "id" LIMIT 1',
        email,
    )
    return rows[0]["id"] if rows else None
