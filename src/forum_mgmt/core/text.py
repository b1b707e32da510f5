"""One rule for text from outside, whichever way it comes in (form, API, CSV, forum file).

Kept silently: Unicode NFC, trimmed ends, line breaks as "\\n" (folded to a space in a
single-line field, along with tabs). Refused, naming the field: controls (C0, DEL, C1;
tab and newline are kept in long texts), unpaired surrogates and U+FFFE/U+FFFF (not text:
PostgreSQL, XML and UTF-8 refuse them), and bidirectional controls. A single-line field
(names, titles, subjects: what is shown on a badge, in a list or a mail subject) refuses
all nine embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): there they can
only disguise a name. A long text keeps the embeddings and isolates, which right-to-left
authors use to set a quoted phrase's direction and which end with the paragraph each long
text is shown in; it refuses only the overrides (U+202D, U+202E), which reorder letters
("Trojan Source") and have no use in prose. Everything else is kept: emoji with their
joiners (U+200D) and variation selectors, tag sequences, marks, every script.

A Struct that takes people's text derives from `Input`: after decoding, each `str` field
(and each `str` in a list or dict field) is cleaned, as `LINE` unless annotated `LONG`.
A refusal raises `TextError`, which msgspec reports as a ValidationError whose message
starts with "`field`: reason"; `split()` reads it back for forms and the API.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from typing import Annotated, Any, Union

import msgspec

from forum_mgmt.core.i18n import _


class TextKind:
    def __init__(self, multiline: bool) -> None:
        self.multiline = multiline

    def __repr__(self) -> str:
        return "LONG" if self.multiline else "LINE"


LINE = TextKind(multiline=False)  # one line: names, titles, labels, subjects
LONG = TextKind(multiline=True)  # prose: abstracts, bios, descriptions, answers, mail bodies

_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_LINE_SPACE = re.compile(r"[ \t]*\n[ \t\n]*|\t")
_CONTROL = {
    False: re.compile(r"[\x00-\x1f\x7f-\x9f]"),
    True: re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"),
}
_NOT_TEXT = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_BIDI = {
    False: re.compile(r"[\u202a-\u202e\u2066-\u2069]"),
    True: re.compile(r"[\u202d\u202e]"),
}
_MESSAGE = re.compile(r"^`([^`]+)`: (.*?)(?: - at `\$\.?([^`]*)`)?$", re.DOTALL)


class TextError(ValueError):
    """A field's text refused: str() is "`field`: reason", which msgspec passes on."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"`{field}`: {reason}")
        self.field, self.reason = field, reason


def normal(value: str, *, long: bool = False) -> str:
    """The text in NFC, trimmed, line breaks as "\\n"; on one line unless `long`."""
    text = _BREAKS.sub("\n", unicodedata.normalize("NFC", value))
    if not long:
        text = _LINE_SPACE.sub(" ", text)
    return text.strip()


def problem(value: str, *, long: bool = False) -> str | None:
    """Why this text cannot be kept (a translated sentence), or None."""
    if _NOT_TEXT.search(value):
        return _("This contains a character that is not text.")
    if _CONTROL[long].search(value):
        return _("This contains a control character.")
    if _BIDI[long].search(value):
        return _("This contains a text direction control (U+202A–U+202E, U+2066–U+2069).")
    return None


def clean(value: str, *, long: bool = False, field: str = "text") -> str:
    """The normal text, or TextError naming `field`."""
    text = normal(value, long=long)
    reason = problem(text, long=long)
    if reason:
        raise TextError(field, reason)
    return text


def check(fields: dict[str, str], name: str, value: str, *, long: bool = False) -> str:
    """The normal text; a problem is recorded in `fields` under the field's name."""
    text = normal(value, long=long)
    reason = problem(text, long=long)
    if reason:
        fields.setdefault(name, reason)
    return text


def split(message: str) -> tuple[str, str] | None:
    """(field path, reason) of a TextError as msgspec or Litestar word it, else None.

    "`title`: ... - at `$.sessions[0]`" is ("sessions[0].title", "...").
    """
    match = _MESSAGE.match(message)
    if not match:
        return None
    field, reason, where = match.groups()
    return (f"{where}.{field}" if where else field), reason


# The Structs ------------------------------------------------------------------------

# (field, "str" | "list" | "dict", long, min length, max length) for each text field
_Plan = list[tuple[str, str, bool, int, int | None]]
_PLANS: dict[type, _Plan] = {}


class Input(msgspec.Struct):
    """Base of the Structs people's text arrives in: each text field cleaned on decode."""

    def __post_init__(self) -> None:
        for name, shape, long, least, most in _plan(type(self)):
            value = getattr(self, name)
            if shape == "str" and isinstance(value, str):
                value = clean(value, long=long, field=name)
                # checked again: trimming may empty a value, NFC (rarely) lengthen one
                if len(value) < least:
                    raise TextError(name, _("This field is required."))
                if most is not None and len(value) > most:
                    raise TextError(name, _("This is too long or too short."))
            elif shape == "list" and isinstance(value, list):
                value = [clean(v, long=long, field=name) for v in value]
            elif shape == "dict" and isinstance(value, dict):
                value = {
                    k: clean(v, long=long, field=f"{name}.{k}") if isinstance(v, str) else v
                    for k, v in value.items()
                }
            else:
                continue
            setattr(self, name, value)


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls, include_extras=True)
        plan = []
        for name in cls.__struct_fields__:  # type: ignore[attr-defined]  # a msgspec Struct class
            found = _text_in(hints[name])
            if found:
                plan.append((name, *found))
        _PLANS[cls] = plan
    return plan


def _text_in(tp: Any) -> tuple[str, bool, int, int | None] | None:
    """Where a field's annotation holds text: ("str" | "list" | "dict", long, lengths)."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return next(filter(None, map(_text_in, typing.get_args(tp))), None)
    if origin is Annotated:
        base, *extras = typing.get_args(tp)
        if base is not str:
            return _text_in(base)
        long = any(e is LONG for e in extras)
        metas = [m for m in extras if isinstance(m, msgspec.Meta)]
        least = max((m.min_length or 0 for m in metas), default=0)
        most = min((m.max_length for m in metas if m.max_length is not None), default=None)
        return "str", long, least, most
    if tp is str:
        return "str", False, 0, None
    if origin in (list, dict):
        inner = _text_in(typing.get_args(tp)[-1])
        if inner and inner[0] == "str":
            return ("list" if origin is list else "dict"), inner[1], 0, None
    return None
