"""HTML forms into the same msgspec Structs the JSON API validates.

A form sends every value as text: empty inputs mean "not given", checkboxes are present
or absent. Errors come back per field, in the reader's language, for the form to show
next to each input.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.core.text import split as split_text_error

# What an HTML checkbox (or a script posting the same form) sends when it is ticked.
CHECKED = ("on", "true", "1", "yes")

T = TypeVar("T", bound=msgspec.Struct)
_PATH = re.compile(r"at `\$\.([A-Za-z_]+)")


class InvalidForm(DomainError):
    status_code, code = 422, "invalid"


def parse(
    struct: type[T], form: dict[str, Any], *, checkboxes: tuple[str, ...] = (), **extra: Any
) -> T:
    """The Struct from form fields (blank ones left out), or InvalidForm naming the field."""
    data: dict[str, Any] = {}
    known = set(struct.__struct_fields__)
    for name, value in form.items():
        if name not in known or name in checkboxes:
            continue
        text = value.strip() if isinstance(value, str) else value
        if text != "":
            data[name] = text
    for name in checkboxes:
        if name in known:
            data[name] = name in form and form[name] not in ("", "0", "false", "off")
    data.update(extra)
    try:
        return msgspec.convert(data, struct, strict=False)
    except msgspec.ValidationError as err:
        raise InvalidForm(_("Some fields need attention."), fields=field_error(err)) from None


def field_error(err: msgspec.ValidationError) -> dict[str, str]:
    """msgspec's message (e.g. "Expected `int`, got `str` - at `$.capacity`") by field."""
    text = str(err)
    refused = split_text_error(text)
    if refused:
        return dict([refused])
    match = _PATH.search(text)
    name = match.group(1) if match else "form"
    if "required" in text.lower():
        return {name if match else _missing(text): _("This field is required.")}
    if "length" in text:
        return {name: _("This is too long or too short.")}
    if "pattern" in text:
        return {name: _("This is not in the expected form.")}
    if ">=" in text or "<=" in text:
        return {name: _("This number is out of range.")}
    return {name: _("This value is not valid here.")}


def _missing(text: str) -> str:
    found = re.search(r"required field `([A-Za-z_]+)`", text)
    return found.group(1) if found else "form"
