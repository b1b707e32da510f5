"""Invitations' rules, split by side; import from here."""

from forum_mgmt.invitations.services.codes import (
    CodeRow,
    codes,
    create_code,
    normal,
    register_with_code,
    revoke_code,
    usable,
)
from forum_mgmt.invitations.services.csvfile import InvalidGuestList
from forum_mgmt.invitations.services.forgetting import (
    forget_admitted,
    forget_forum,
    forums_holding_guests,
)
from forum_mgmt.invitations.services.guest import decline, open_link, register
from forum_mgmt.invitations.services.invite import (
    Options,
    Row,
    State,
    category_of,
    forum_language,
    invitations,
    invite,
    invite_csv,
    resend,
    revoke,
)

__all__ = [
    "CodeRow",
    "InvalidGuestList",
    "Options",
    "Row",
    "State",
    "category_of",
    "codes",
    "create_code",
    "decline",
    "forget_admitted",
    "forget_forum",
    "forum_language",
    "forums_holding_guests",
    "invitations",
    "invite",
    "invite_csv",
    "normal",
    "open_link",
    "register",
    "register_with_code",
    "resend",
    "revoke",
    "revoke_code",
    "usable",
]
