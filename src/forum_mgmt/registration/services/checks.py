"""Input rules for a registration: every field checked, every error named by its field."""

from __future__ import annotations

import json
import re

from forum_mgmt.core import text
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.registration.questions import kind_of
from forum_mgmt.registration.services.catalogue import is_country
from forum_mgmt.registration.tables import Category, Question

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
# field -> (required, max length)
LIMITS = {
    "name": (True, 200),
    "name_local": (False, 200),
    "organization": (False, 300),
    "title": (False, 300),
    "dietary": (False, 500),
    "accessibility": (False, 500),
}
ANSWER_MAX = 1000


class InvalidRegistration(DomainError):
    status_code, code = 422, "invalid_registration"


def has_control(value: str, *, newlines: bool = False) -> bool:
    """What core/text.py refuses: controls, bidi overrides (emoji joiners are fine)."""
    return text.problem(text.normal(value, long=newlines), long=newlines) is not None


def check_text(fields: dict[str, str], name: str, value: str) -> str:
    """The value trimmed; a problem is recorded in `fields` under the field's name."""
    required, longest = LIMITS[name]
    value = value.strip()
    if required and not value:
        fields[name] = _("Please fill this in.")
    elif len(value) > longest:
        fields[name] = _("At most %(num)d characters.") % {"num": longest}
    elif has_control(value):
        fields[name] = _("Remove the control characters.")
    elif "<" in value or ">" in value:
        fields[name] = _("Angle brackets are not allowed here.")
    return value


def check_email(fields: dict[str, str], value: str) -> str:
    email = value.strip().lower()
    if not email:
        fields["email"] = _("Please fill this in.")
    elif len(email) > 254 or not EMAIL.match(email) or has_control(email):
        fields["email"] = _("This does not look like an email address.")
    return email


def check_country(fields: dict[str, str], value: str) -> str:
    code = value.strip().upper()
    if code and not is_country(code):
        fields["country"] = _("Choose a country from the list.")
    return code


def check_answers(
    fields: dict[str, str], questions: list[Question], answers: dict[str, str]
) -> dict[str, str]:
    known = {str(q.id): q for q in questions}
    clean = {}
    for key in answers:
        if key not in known:
            fields[f"answers.{key}"] = _("There is no such question.")
    for key, question in known.items():
        value = (answers.get(key) or "").strip()
        name = f"answers.{key}"
        if not value:
            if question.required:
                fields[name] = _("Please answer this question.")
            continue
        if problem := kind_of(question).answer_error(question, value):
            fields[name] = problem
        elif len(value) > ANSWER_MAX:
            fields[name] = _("At most %(num)d characters.") % {"num": ANSWER_MAX}
        elif has_control(value, newlines=True) or "<" in value or ">" in value:
            fields[name] = _("Remove the control characters and angle brackets.")
        clean[key] = value
    return clean


def pick_category(
    fields: dict[str, str], categories: list[Category], code: str, *, by_organizer: bool
) -> Category | None:
    category = next((c for c in categories if c.code == code), None)
    if category is None:
        fields["category"] = _("Choose one of the categories.")
    elif not category.public and not by_organizer:
        fields["category"] = _("This category is by invitation only.")
    return category


def check_sessions(
    fields: dict[str, str], workshops: list[dict], session_ids: list[int]
) -> list[int]:
    bookable = {w["id"] for w in workshops}
    if any(sid not in bookable for sid in session_ids):
        fields["session_ids"] = _("Only this forum's workshops can be booked.")
    return sorted(set(session_ids))


def raise_if(fields: dict[str, str]) -> None:
    if fields:
        raise InvalidRegistration(_("Some fields need attention."), fields=fields)


def loaded(value):
    """A JSON column's value: Piccolo hands it back as text."""
    return json.loads(value) if isinstance(value, str) else value
