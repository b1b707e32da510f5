"""People who sign in, their passwords and API tokens. The throttle on failed sign-ins is
in throttle.py.

Passwords use Piccolo's BaseUser storage (PBKDF2-SHA256, 600,000 rounds). Hashing takes
~0.1 s of CPU, so it always runs in a worker thread, never on the event loop.

Every password set here, for any role, has at least 12 characters and is not among the
30,000 most common passwords of zxcvbn's list (case ignored): the team's accounts open
the registrations' personal data, and a staff account can check anyone in.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from functools import cache
from time import monotonic

from piccolo.apps.user.tables import BaseUser
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]  # no hints

from forum_mgmt.accounts import throttle
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.core import time
from forum_mgmt.core.errors import Conflict, DomainError, NotFound
from forum_mgmt.core.i18n import _

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
TOKEN_PREFIX = "fm_"  # noqa: S105 - a marker, not a secret
PASSWORD_MIN, PASSWORD_MAX = 12, 128


class InvalidCredentials(DomainError):
    status_code, code = 401, "invalid_credentials"


class InvalidUser(DomainError):
    status_code, code = 422, "invalid_user"


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])  # lower case, most common first


def check_password(password: str) -> None:
    """Refuse a password that is short, too long or common, with a message saying which."""
    if len(password) < PASSWORD_MIN:
        message = _("A password needs at least 12 characters.")
    elif len(password) > PASSWORD_MAX:
        message = _("A password has at most 128 characters.")
    elif password.lower() in _common_passwords():
        message = _("That password is among the most common ones. Please choose another.")
    else:
        try:
            BaseUser._validate_password(password)  # refuses a string that looks like a hash
            return
        except ValueError:
            message = _("Please choose another password.")
    raise InvalidUser(message, fields={"password": message})


async def _hash(password: str, salt: str | None = None, iterations: int | None = None) -> str:
    return await asyncio.to_thread(BaseUser.hash_password, password, salt or "", iterations)


async def create_user(
    username: str, *, password: str | None = None, email: str = "", admin: bool = False
) -> tuple[BaseUser, str]:
    """A new active user; returns the user and the password (generated when not given)."""
    if not USERNAME.match(username):
        raise InvalidUser(
            _("A username has 2 to 100 letters, digits, dots, dashes or @."),
            fields={"username": _("Choose another username.")},
        )
    password = password or secrets.token_urlsafe(12)  # 16 characters
    check_password(password)
    if await BaseUser.exists().where(BaseUser.username == username):
        raise Conflict(_("That username is taken."), fields={"username": _("Choose another.")})
    user = BaseUser(
        username=username,
        password=await _hash(password),
        # BaseUser.email is unique and required: give account-only users a unique
        # address that can never receive mail (RFC 2606 .invalid).
        email=email or f"{username}@users.invalid",
        active=True,
        admin=admin,
    )
    await user.save()
    return user, password


async def get_user(user_id: int) -> BaseUser | None:
    return (
        await BaseUser.objects()
        .where(
            (BaseUser.id == user_id) & (BaseUser.active == True)  # noqa: E712 - SQL, not Python
        )
        .first()
    )


async def get_user_by_name(username: str) -> BaseUser:
    user = await BaseUser.objects().where(BaseUser.username == username).first()
    if user is None:
        raise NotFound(_("There is no user with that name."))
    return user


async def authenticate(username: str, password: str, *, address: str) -> BaseUser:
    """The active user with this password, within the throttle of throttle.py."""
    attempt = await throttle.begin(username, address)
    user = await BaseUser.objects().where(BaseUser.username == username).first()
    if user is None:
        await _hash(password)  # same time as a wrong password: no username probing
        ok = False
    else:
        _alg, iterations, salt, _hash_value = BaseUser.split_stored_password(user.password)
        ok = user.active and await _hash(password, salt, int(iterations)) == user.password
    if user is None or not ok:
        await throttle.failed(attempt)
        raise InvalidCredentials(_("The username or password is wrong."))
    await throttle.succeeded(attempt)
    return user


async def set_password(user: BaseUser, password: str) -> None:
    check_password(password)
    await BaseUser.update({BaseUser.password: await _hash(password)}).where(BaseUser.id == user.id)


def token_digest(secret: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_token(user: BaseUser, name: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and only its digest is stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user.id,
        name=name[:100] or "token",
        digest=token_digest(secret),
        prefix=secret[:10],
        created_at=time.now(),
    )
    await token.save()
    return token, secret


async def list_tokens(user: BaseUser) -> list[ApiToken]:
    return await ApiToken.objects().where(ApiToken.user == user.id).order_by(ApiToken.id)


async def revoke_token(user: BaseUser, token_id: int) -> None:
    """Revoke one of this user's tokens; it stops working at once."""
    updated = (
        await ApiToken.update({ApiToken.revoked_at: time.now()})
        .where(
            (ApiToken.id == token_id) & (ApiToken.user == user.id) & ApiToken.revoked_at.is_null()
        )
        .returning(ApiToken.id)
    )
    if not updated:
        raise NotFound(_("There is no such active token."))
    _known_tokens.clear()


# Scanners send a token with every scan: each worker remembers the answer for a few
# seconds. A revocation clears this worker's memory at once; the others follow within TTL.
TOKEN_TTL = 5.0
_known_tokens: dict[str, tuple[float, BaseUser | None]] = {}


async def user_for_token(secret: str) -> BaseUser | None:
    """The active user behind an unrevoked token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return await user_for_digest(token_digest(secret))


async def user_for_digest(digest: str) -> BaseUser | None:
    """The active user behind the unrevoked token with this digest, or None."""
    now = monotonic()
    known = _known_tokens.get(digest)
    if known is not None and known[0] > now:
        return known[1]
    token = (
        await ApiToken.objects(ApiToken.user)
        .where(
            (ApiToken.digest == digest)
            & ApiToken.revoked_at.is_null()
            & (ApiToken.user.active == True)  # noqa: E712 - SQL, not Python
        )
        .first()
    )
    if len(_known_tokens) > 10_000:
        _known_tokens.clear()
    user = token.user if token else None
    _known_tokens[digest] = (now + TOKEN_TTL, user)
    return user
