"""Privacy's raw SQL: the anonymising UPDATE, one statement for a registration or a forum."""

from __future__ import annotations

import datetime as dt
import secrets

from forum_mgmt.registration.tables import Registration

# The name every anonymised registration shows (the organizer's list says "Anonymised").
MARKER = "—"
EMAIL_PREFIX = "anonymised-"

_TABLE = Registration._meta.tablename

# One statement rather than a row at a time: a forum of thousands is anonymised in one go,
# and the conditional `anonymised_at IS NULL` makes a second run (another worker, the CLI
# beside the server) change nothing. The e-mail becomes "anonymised-<id>": unique per forum
# like an address (the unique (forum, email) index holds), yet no address. The token
# becomes a secret of this run followed by the id: unique, and known to nobody, so the old
# link and every guess of a new one find nothing.
_ANONYMISE = (
    f"UPDATE \"{_TABLE}\" SET name = {{}}, name_local = '', "  # noqa: S608 - our table's name
    "email = {} || CAST(id AS TEXT), organization = '', title = '', country = '', "
    "dietary = '', accessibility = '', answers = {}, wanted_sessions = {}, "
    "token = {} || CAST(id AS TEXT), anonymised_at = {}, updated_at = {} "
    "WHERE forum = {} AND anonymised_at IS NULL"
)


async def anonymise(forum_id: int, *, registration_id: int | None, now: dt.datetime) -> list[int]:
    """Blank the personal values of one registration of the forum (or all of them, with
    None); returns the ids changed."""
    sql, args = (
        _ANONYMISE,
        [
            MARKER,
            EMAIL_PREFIX,
            "{}",
            "[]",
            f"x{secrets.token_urlsafe(24)}-",
            now,
            now,
            forum_id,
        ],
    )
    if registration_id is not None:
        sql, args = sql + " AND id = {}", [*args, registration_id]
    rows = await Registration.raw(sql + " RETURNING id", *args)
    return [r["id"] for r in rows]
