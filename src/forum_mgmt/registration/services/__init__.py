"""Registration's rules, split by process; import from here."""

from forum_mgmt.registration.services.attendee import (
    book_session,
    booked_ids,
    by_token,
    drop_session,
    my_session_ids,
    star,
    starred_ids,
    unstar,
    update_details,
)
from forum_mgmt.registration.services.catalogue import (
    add_question,
    category_name,
    countries,
    ensure_categories,
    questions,
    remove_question,
    update_category,
    workshops,
)
from forum_mgmt.registration.services.checks import loaded
from forum_mgmt.registration.services.listing import (
    Filters,
    Row,
    counts,
    export_csv,
    get_registration,
    list_registrations,
    mail_group,
    mail_log,
    row_of,
)
from forum_mgmt.registration.services.notify import manage_url, outbox_folder
from forum_mgmt.registration.services.register import Outcome, check, register
from forum_mgmt.registration.services.seats import is_open, window
from forum_mgmt.registration.services.waitlist import (
    approve,
    cancel,
    decide,
    promote,
    reject,
    waitlist_position,
)

__all__ = [
    "Filters",
    "Outcome",
    "Row",
    "add_question",
    "approve",
    "book_session",
    "booked_ids",
    "by_token",
    "cancel",
    "category_name",
    "check",
    "countries",
    "counts",
    "decide",
    "drop_session",
    "ensure_categories",
    "export_csv",
    "get_registration",
    "is_open",
    "list_registrations",
    "loaded",
    "mail_group",
    "mail_log",
    "manage_url",
    "my_session_ids",
    "outbox_folder",
    "promote",
    "questions",
    "register",
    "reject",
    "remove_question",
    "row_of",
    "star",
    "starred_ids",
    "unstar",
    "update_category",
    "update_details",
    "waitlist_position",
    "window",
    "workshops",
]
