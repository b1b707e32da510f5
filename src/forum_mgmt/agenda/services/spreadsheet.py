"""A spreadsheet saved as CSV, read into named columns: the encodings, delimiters and
header names organizers' files come with, and the limits an upload must keep to."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import N_, _

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
KINDS = ("speakers", "sessions")

# Canonical column: the header names it is known by (compared case-insensitively, with
# spaces and hyphens read as underscores), and its label for people.
SPEAKER_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "name": (("name", "english_name", "姓名", "英文姓名"), N_("Name")),
    "name_local": (("name_local", "local_name", "chinese_name", "中文姓名"), N_("Name in Chinese")),
    "title": (("title", "job_title", "position", "職稱"), N_("Job title")),
    "title_local": (("title_local", "中文職稱"), N_("Job title in Chinese")),
    "organization": (
        ("organization", "organisation", "org", "affiliation", "單位", "組織", "機構"),
        N_("Organisation"),
    ),
    "organization_local": (
        ("organization_local", "organisation_local", "中文單位"),
        N_("Organisation in Chinese"),
    ),
    "bio": (("bio", "biography", "簡介", "介紹"), N_("Biography")),
    "bio_local": (("bio_local", "中文簡介"), N_("Biography in Chinese")),
    "photo_url": (("photo_url", "photo", "照片"), N_("Photo address (URL)")),
}
SESSION_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "title": (("title", "session", "標題", "議程", "主題"), N_("Title")),
    "title_local": (("title_local", "中文標題"), N_("Title in Chinese")),
    "day": (("day", "date", "日期"), N_("Day")),
    "start": (("start", "starts", "start_time", "開始", "開始時間"), N_("Starts")),
    "end": (("end", "ends", "end_time", "結束", "結束時間"), N_("Ends")),
    "room": (("room", "場地", "會議室", "地點"), N_("Room")),
    "track": (("track", "軌", "分軌"), N_("Track")),
    "kind": (("kind", "type", "類型"), N_("Kind")),
    "language": (("language", "lang", "語言"), N_("Language")),
    "speakers": (("speakers", "speaker", "講者", "與談人"), N_("Speakers")),
    "capacity": (("capacity", "seats", "名額", "人數"), N_("Capacity")),
    "abstract": (("abstract", "description", "摘要"), N_("Abstract")),
    "abstract_local": (("abstract_local", "中文摘要"), N_("Abstract in Chinese")),
}
COLUMNS = {"speakers": SPEAKER_COLUMNS, "sessions": SESSION_COLUMNS}
REQUIRED = {"speakers": ("name",), "sessions": ("title", "day", "start", "end")}
LABELS = {
    kind: {name: label for name, (_a, label) in cols.items()} for kind, cols in COLUMNS.items()
}
MULTILINE = {"bio", "bio_local", "abstract", "abstract_local"}

# C0/C1 controls and the bidirectional overrides that can disguise a name.
_HOSTILE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class InvalidImport(DomainError):
    """The file as a whole cannot be read (size, encoding, columns)."""

    status_code, code = 422, "invalid_import"


class ImportTooLarge(InvalidImport):
    status_code, code = 413, "too_large"


@dataclass
class Sheet:
    kind: str  # speakers | sessions
    columns: list[str]  # the known columns, in the file's order
    ignored: list[str]  # headers not understood
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, values)


def read_sheet(data: bytes, kind: str | None = None) -> Sheet:
    """The file's rows by column, or InvalidImport saying what to change in the file."""
    kind, header, records = _read(data, kind)
    columns, ignored = _map_header(header, COLUMNS[kind])
    missing = [c for c in REQUIRED[kind] if c not in columns]
    if missing:
        raise InvalidImport(
            _("The file lacks a column: %(columns)s.")
            % {"columns": ", ".join(_(LABELS[kind][c]) for c in missing)}
        )
    rows = [
        (
            number,
            {
                col: clean(record[i] if i < len(record) else "", multiline=col in MULTILINE)
                for i, col in enumerate(columns)
                if col
            },
        )
        for number, record in records
    ]
    return Sheet(kind, [c for c in columns if c], ignored, rows)


def template_csv(kind: str) -> bytes:
    """A file to fill in: the header and one example row, UTF-8 with a BOM for Excel."""
    if kind == "speakers":
        rows = [
            list(SPEAKER_COLUMNS),
            ["Lin Mei-hua", "林美華", "Director", "主任", "Taiwan NGO Hub", "台灣NGO中心",
             "Works on civic tech.", "推動公民科技。", ""],
        ]  # fmt: skip
    else:
        rows = [
            list(SESSION_COLUMNS),
            ["Opening", "開幕", "2026-12-05", "09:00", "09:30", "Main Hall", "", "opening",
             "en+zh-TW", "Lin Mei-hua; Chen Wei", "", "", ""],
        ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode()


# Reading the file --------------------------------------------------------------------


def _read(data: bytes, kind: str | None) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    if len(data) > MAX_BYTES:
        raise ImportTooLarge(
            _("The file is larger than %(size)d kB: split it into several files.")
            % {"size": MAX_BYTES // 1000}
        )
    text = _decode(data)
    if not text.strip():
        raise InvalidImport(_("The file is empty."))
    lines = text.splitlines()
    first = next(line for line in lines if line.strip())
    # The header has no free text, so its most frequent separator is the file's; csv.Sniffer
    # guesses from the whole sample and picks wrong on one column or on commas in bios.
    delimiter = max(",;\t", key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise InvalidImport(_("The file is not a CSV file the import can read.")) from None
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InvalidImport(_("The file is empty."))
    (_n, header), body = numbered[0], numbered[1:]
    if not body:
        raise InvalidImport(_("The file has a header but no rows."))
    if len(body) > MAX_ROWS:
        raise ImportTooLarge(
            _("The file has %(rows)d rows; at most %(max)d can be imported at once.")
            % {"rows": len(body), "max": MAX_ROWS}
        )
    header = [clean(h) for h in header]
    if kind not in KINDS:
        kind = _detect(header)
    return kind, header, body


def _decode(data: bytes) -> str:
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:  # UTF-16 without its BOM, or a binary file
        raise InvalidImport(
            _("The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        )
    return unicodedata.normalize("NFC", text)


def _norm(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _map_header(header: list[str], known: dict) -> tuple[list[str], list[str]]:
    """Each header cell's column ("" when not understood), and the cells not understood."""
    aliases = {_norm(a): col for col, (names, _label) in known.items() for a in names}
    columns, ignored, seen = [], [], set()
    for cell in header:
        col = aliases.get(_norm(cell), "")
        if col in seen:
            col = ""  # a repeated column: the first one counts
        if not col and cell:
            ignored.append(cell)
        seen.add(col)
        columns.append(col)
    return columns, ignored


def _detect(header: list[str]) -> str:
    sessions, _ignored = _map_header(header, SESSION_COLUMNS)
    if {"day", "start"} & set(sessions):
        return "sessions"
    speakers, _ignored = _map_header(header, SPEAKER_COLUMNS)
    if "name" in speakers:
        return "speakers"
    raise InvalidImport(
        _("The first row must name the columns: “name” for speakers, or “title”, “day”, "
          "“start” and “end” for sessions.")
    )  # fmt: skip


def clean(cell: str, *, multiline: bool = False) -> str:
    """The text without control characters; one line unless the column holds prose."""
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = re.sub(r"\s+", " ", text)
    return _HOSTILE.sub("", text).strip()
