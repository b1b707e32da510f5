"""What a forum file shares with the tables and the API: the same field names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

# The session's own fields, the same in the file, the table and the API.
SESSION_FIELDS = ("title", "title_local", "abstract", "abstract_local", "kind", "language")
QUESTION_FIELDS = ("label", "label_local", "kind", "required")


def pick(item: Any, names: Iterable[str] | type[msgspec.Struct]) -> dict[str, Any]:
    """The named fields of a row or record (a Struct's fields, apart from the file's key)."""
    fields = names.__struct_fields__ if isinstance(names, type) else names
    return {name: getattr(item, name) for name in fields if name != "key"}
