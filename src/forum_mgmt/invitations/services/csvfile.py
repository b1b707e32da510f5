"""The organizer's CSV of guests: name, email and an optional language per line.

All or nothing: every line is checked before anything is written, and each problem is
reported with its line number as a spreadsheet shows it (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import LANGUAGES, _
from forum_mgmt.registration.services import checks

MAX_BYTES = 1_000_000
MAX_GUESTS = 2000
# What people type in a language column, as the language we mail in.
_LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "zh-tw": "zh-TW",
    "zh_tw": "zh-TW",
    "zh": "zh-TW",
    "zh-hant": "zh-TW",
    "中文": "zh-TW",
    "繁體中文": "zh-TW",
}


class InvalidGuestList(DomainError):
    status_code, code = 422, "invalid_guest_list"

    def __init__(self, message: str, *, lines: list[tuple[int, str]]) -> None:
        super().__init__(message)
        self.lines = lines
        self.extra["lines"] = [{"line": n, "message": m} for n, m in lines]


@dataclass(frozen=True)
class Guest:
    line: int
    name: str
    email: str
    language: str


def language_of(value: str, default: str) -> str | None:
    """The mail language a cell names; None when it names none of ours."""
    value = value.strip()
    if not value:
        return default
    if value in LANGUAGES:
        return value
    return _LANGUAGE_NAMES.get(value.lower())


def check_guest(name: str, email: str, language: str, default: str) -> tuple[Guest, str | None]:
    """One guest's values cleaned, and the first problem with them (or None)."""
    fields: dict[str, str] = {}
    name = checks.check_text(fields, "name", name)
    email = checks.check_email(fields, email)
    lang = language_of(language, default)
    guest = Guest(0, name, email, lang or default)
    if "name" in fields:
        return guest, _("Name: %(problem)s") % {"problem": fields["name"]}
    if "email" in fields:
        return guest, _("Email: %(problem)s") % {"problem": fields["email"]}
    if lang is None:
        return guest, _("Language: use en or zh-TW.")
    return guest, None


def _cell(row: list[str], at: dict[str, int], column: str) -> str:
    i = at.get(column)
    return row[i] if i is not None and i < len(row) else ""


def parse(content: bytes, *, default_language: str) -> list[Guest]:
    """The guests of a CSV file (UTF-8, with or without a BOM), or InvalidGuestList."""
    if not content.strip():
        raise InvalidGuestList(_("The file is empty."), lines=[])
    if len(content) > MAX_BYTES:
        raise InvalidGuestList(_("The file is too large (at most 1 MB)."), lines=[])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = content[: err.start].count(b"\n") + 1
        raise InvalidGuestList(
            _("The file is not UTF-8 text: save it as “CSV UTF-8”."),
            lines=[(line, _("Not UTF-8 text."))],
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "name" not in header or "email" not in header:
        raise InvalidGuestList(
            _("The first line must name the columns: name, email and optionally language."),
            lines=[(1, _("Missing the name or email column."))],
        )
    at: dict[str, int] = {c: header.index(c) for c in ("name", "email", "language") if c in header}
    guests: list[Guest] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets leave them
        if len(row) > len(header):
            problems.append((number, _("More cells than the header names.")))
            continue
        name, email, language = (_cell(row, at, c) for c in ("name", "email", "language"))
        guest, problem = check_guest(name, email, language, default_language)
        if problem is None and guest.email in seen:
            problem = _("The address is on line %(line)d already.") % {"line": seen[guest.email]}
        if problem:
            problems.append((number, problem))
            continue
        seen[guest.email] = number
        guests.append(Guest(number, guest.name, guest.email, guest.language))
    if not guests and not problems:
        raise InvalidGuestList(_("The file names no guests."), lines=[])
    if len(guests) + len(problems) > MAX_GUESTS:
        raise InvalidGuestList(
            _("At most %(num)d guests per file.") % {"num": MAX_GUESTS}, lines=[]
        )
    if problems:
        raise InvalidGuestList(_("Nothing was imported: fix these lines."), lines=problems)
    return guests
