"""The kinds of extra question, one class each: what the settings page offers, how the form
asks it, which answers it accepts and how the CSV export writes them.

The form (`_macros/registration.html`), the settings page's kind list, answer checks, the
CSV export and the error message for an unknown kind all read `KINDS`. Adding a kind means a
class here, a value in `QuestionKind` (the column's choices and the forum file's schema) and
a migration widening the `question_kind_known` CHECK, which stays the database's own guard;
tests/registration/test_questions.py fails until the three agree. A new `input` needs a
macro of that name in `_macros/registration.html`.
"""

from __future__ import annotations

from typing import ClassVar, Final

from forum_mgmt.core.i18n import N_, _, localized
from forum_mgmt.registration.tables import Question, QuestionKind


class Kind:
    """A kind of question. `input` names the form macro that asks it: "text" or "radio"."""

    value: ClassVar[QuestionKind]
    label: ClassVar[str]  # N_: translated where it is shown
    input: ClassVar[str]

    def options(self, question: Question) -> list[tuple[str, str]]:
        """(value, shown label) of each answer a "radio" input offers."""
        return []

    def setup_error(self, options: list[str]) -> str | None:
        """What is wrong with a new question's options (one per line), if anything."""
        return None

    def answer_error(self, question: Question, value: str) -> str | None:
        """What is wrong with a non-empty answer for this kind; length and characters are
        checked for every kind after this."""
        return None

    def csv(self, value: str) -> str:
        """The answer as the CSV export writes it."""
        return value


class Text(Kind):
    value = QuestionKind.TEXT
    label = N_("Text")
    input = "text"


class Choice(Kind):
    value = QuestionKind.CHOICE
    label = N_("Choice")
    input = "radio"

    def options(self, question: Question) -> list[tuple[str, str]]:
        """Each option's value is the first language's text (stable for the answers and
        the CSV); the reader sees it in their language (`core/i18n.text`)."""
        values = question.choices.split("\n")
        local = question.choices_local.split("\n") if question.choices_local else []
        local = local if len(local) == len(values) else []
        return [
            (value, localized({"o": value, "o_local": local[i] if local else ""}, "o"))
            for i, value in enumerate(values)
        ]

    def setup_error(self, options: list[str]) -> str | None:
        if len(options) < 2:
            return _("Give at least two options, one per line.")
        return None

    def answer_error(self, question: Question, value: str) -> str | None:
        if value not in question.choices.split("\n"):
            return _("Choose one of the options.")
        return None


class YesNo(Kind):
    value = QuestionKind.YESNO
    label = N_("Yes or no")
    input = "radio"

    def options(self, question: Question) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def answer_error(self, question: Question, value: str) -> str | None:
        if value not in ("yes", "no"):
            return _("Answer yes or no.")
        return None


KINDS: Final[dict[str, Kind]] = {k.value.value: k() for k in (Text, Choice, YesNo)}
"""Every kind by its stored value, in the order the settings page lists them."""


def kind_of(question: Question) -> Kind:
    return KINDS[question.kind]


def unknown_kind() -> str:
    """The message for a kind that is not in `KINDS`, naming the ones that are."""
    return _("Choose one of: %(kinds)s.") % {
        "kinds": ", ".join(_(kind.label) for kind in KINDS.values())
    }
