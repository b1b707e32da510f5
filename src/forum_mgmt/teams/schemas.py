"""The team forms, validated into Structs (core/forms.py parses the HTML forms into them)."""

from __future__ import annotations

import msgspec

from forum_mgmt.forums.tables import Role


class InviteIn(msgspec.Struct, forbid_unknown_fields=False):
    email: str = msgspec.field(default="")
    role: Role = Role.STAFF
    language: str = ""


class RoleIn(msgspec.Struct, forbid_unknown_fields=False):
    role: Role


class NewAccountIn(msgspec.Struct, forbid_unknown_fields=False):
    username: str = ""
    password: str = ""
