"""Row ids that come from outside: a path, a query string, a form or a JSON body.

An id is 1 to 2**31 - 1, the range of a PostgreSQL `integer` column: a larger number
would make the database refuse the query (a 500), not answer "nothing there".
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _

MAX_ID = 2**31 - 1

# For ids in msgspec Structs: out of range is a 400/422 naming the field.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


def parse_id(text: Any) -> int | None:
    """The id written in `text` (ASCII digits, in range), else None."""
    # str.isdigit() also accepts "²" and other digits int() refuses; int() accepts "1_0".
    if not isinstance(text, str) or not (0 < len(text) <= 10 and text.isascii()):
        return None
    if not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def require_id(text: Any, message: str) -> int:
    """The id written in `text`, or NotFound(message): text that is no id names nothing."""
    number = parse_id(text)
    if number is None:
        raise NotFound(message)
    return number


async def ids_in_range(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Guard for every route: an `{..._id:int}` path parameter out of range is a 404.
    Async on purpose: Litestar runs a sync guard in a worker thread, a thread hop on every
    request (~0.1 ms of CPU)."""
    for value in connection.path_params.values():
        if type(value) is int and not 1 <= value <= MAX_ID:
            raise NotFound(_("There is nothing at this address."))
