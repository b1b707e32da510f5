"""People who sign in, their passwords and API tokens, and the throttle on failed sign-ins.

Passwords use Piccolo's BaseUser storage (PBKDF2-SHA256, 600,000 rounds). Hashing takes
~0.1 s of CPU, so it always runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from time import monotonic

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.core import stores, time
from forum_mgmt.core.errors import Conflict, DomainError, NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.core.stores import get_store

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
TOKEN_PREFIX = "fm_"  # noqa: S105 - a marker, not a secret
MAX_FAILURES = 5  # per account, and per address, within the window
FAILURE_WINDOW = 15 * 60


class InvalidCredentials(DomainError):
    status_code, code = 401, "invalid_credentials"


class TooManyAttempts(DomainError):
    status_code, code = 429, "too_many_attempts"


class InvalidUser(DomainError):
    status_code, code = 422, "invalid_user"


async def _hash(password: str, salt: str | None = None, iterations: int | None = None) -> str:
    return await asyncio.to_thread(BaseUser.hash_password, password, salt, iterations)


async def create_user(
    username: str, *, password: str | None = None, email: str = "", admin: bool = False
) -> tuple[BaseUser, str]:
    """A new active user; returns the user and the password (generated when not given)."""
    if not USERNAME.match(username):
        raise InvalidUser(
            _("A username has 2 to 100 letters, digits, dots, dashes or @."),
            fields={"username": _("Choose another username.")},
        )
    password = password or secrets.token_urlsafe(12)
    try:
        BaseUser._validate_password(password)
    except ValueError:
        raise InvalidUser(
            _("A password has 6 to 128 characters."),
            fields={"password": _("Choose another password.")},
        ) from None
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
    """The active user with this password. Each guess takes one of the account's and one of
    the address's MAX_FAILURES tries before the password is hashed, so that guesses sent
    in parallel get no more tries than guesses sent one by one."""
    store = get_store("login-failures")
    account, origin = f"user:{username.lower()}", f"addr:{address}"
    if not await stores.take(store, account, limit=MAX_FAILURES, expires_in=FAILURE_WINDOW):
        raise _too_many()
    if not await stores.take(store, origin, limit=MAX_FAILURES, expires_in=FAILURE_WINDOW):
        await stores.give_back(store, account)
        raise _too_many()
    user = await BaseUser.objects().where(BaseUser.username == username).first()
    if user is None:
        await _hash(password)  # same time as a wrong password: no username probing
        ok = False
    else:
        _alg, iterations, salt, _hash_value = BaseUser.split_stored_password(user.password)
        ok = user.active and await _hash(password, salt, int(iterations)) == user.password
    if not ok:
        raise InvalidCredentials(_("The username or password is wrong."))  # the tries stay taken
    # The owner's password clears the account's failures; the address keeps the failures
    # it made, and gets back only this try.
    await store.delete(account)
    await stores.give_back(store, origin)
    return user


def _too_many() -> TooManyAttempts:
    return TooManyAttempts(_("Too many failed sign-ins. Please wait 15 minutes and try again."))


async def set_password(user: BaseUser, password: str) -> None:
    try:
        BaseUser._validate_password(password)
    except ValueError:
        raise InvalidUser(_("A password has 6 to 128 characters.")) from None
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
