from __future__ import annotations

from typing import Annotated

import msgspec

from forum_mgmt.core.text import Input

Text100 = Annotated[str, msgspec.Meta(max_length=200)]


class LoginIn(msgspec.Struct):
    username: Text100 = ""
    password: Annotated[str, msgspec.Meta(max_length=200)] = ""
    next: Annotated[str, msgspec.Meta(max_length=500)] = ""


class TokenIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] = "token"


class ThrottleClearIn(msgspec.Struct):
    username: Text100 = ""
