"""HTML forms into the same Structs the JSON API takes (field names are the API's)."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from litestar.datastructures import FormMultiDict

from forum_mgmt.core.forms import CHECKED, InvalidForm, field_error
from forum_mgmt.core.i18n import _
from forum_mgmt.core.ids import parse_id
from forum_mgmt.registration.schemas import DetailsIn, RegistrationIn

TEXT = (
    "name",
    "name_local",
    "email",
    "organization",
    "title",
    "country",
    "category",
    "dietary",
    "accessibility",
)
T = TypeVar("T", bound=msgspec.Struct)


def _session_ids(form: FormMultiDict) -> list[int]:
    """The workshops ticked; a value that is no id names no workshop (only a forged form)."""
    return sorted({sid for v in form.getall("session_ids", []) if (sid := parse_id(v))})


def _answers(form: FormMultiDict) -> dict[str, str]:
    return {k.removeprefix("answers."): v for k, v in form.items() if k.startswith("answers.")}


def registration_in(form: FormMultiDict) -> RegistrationIn:
    data: dict = {k: form.get(k) or "" for k in TEXT}
    data["category"] = data["category"] or "attendee"
    data["consent"] = form.get("consent") in CHECKED
    data["session_ids"] = _session_ids(form)
    data["answers"] = _answers(form)
    return _convert(data, RegistrationIn)


def details_in(form: FormMultiDict) -> DetailsIn:
    data: dict = {k: form.get(k) or "" for k in TEXT if k in DetailsIn.__struct_fields__}
    data["answers"] = _answers(form)
    return _convert(data, DetailsIn)


def _convert(data: dict, struct: type[T]) -> T:
    try:
        return msgspec.convert(data, struct)
    except msgspec.ValidationError as err:  # text the input rules refuse (core/text.py)
        raise InvalidForm(_("Some fields need attention."), fields=field_error(err)) from None


def typed(form: FormMultiDict) -> dict:
    """What the person typed, to show again beside the errors."""
    values: dict = {k: form.get(k) or "" for k in TEXT}
    values["consent"] = form.get("consent") in CHECKED
    values["session_ids"] = _session_ids(form)
    values["answers"] = _answers(form)
    return values
