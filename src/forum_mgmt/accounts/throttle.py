"""The throttle on failed sign-ins: no one can lock an account out, and guessing stays slow.

- A (username, address) pair gets PAIR_LIMIT failures per WINDOW, then 429 for that pair
  only: the owner elsewhere, and colleagues behind the same venue NAT, still sign in.
- An address gets ADDRESS_LIMIT failures per WINDOW across all usernames (credential
  stuffing), then 429 for everything it tries.
- An account tried from many addresses is never locked: once it has ACCOUNT_FREE failures
  in the WINDOW from anywhere, each further try waits before it is answered (0.5 s, doubling
  to DELAY_CAP). The owner, from any address with the right password, still signs in.
  The wait costs an attacker a connection held per guess; what bounds the number of
  guesses is the pair and address ceilings.

Each try takes its places in the counters before the password is hashed, atomically
(core/stores.py), so guesses sent in parallel get no more tries than guesses sent one by
one. The right password clears the account's failures and its pair's; the address gets
back only that try. Counters are forgotten WINDOW seconds after their last failure.

An organizer may clear an account's counters (`clear`): its pairs are keyed by a
generation that clearing moves on, so no list of addresses needs to be kept.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from forum_mgmt.core import stores
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import _

PAIR_LIMIT = 5
ADDRESS_LIMIT = 100
WINDOW = 15 * 60
ACCOUNT_FREE = 10
DELAY_FIRST = 0.5
DELAY_CAP = 4.0
_NO_CEILING = 2**31 - 1
_GENERATION_KEPT = 30 * 24 * 3600  # far longer than any pair lives


class TooManyAttempts(DomainError):
    status_code, code = 429, "too_many_attempts"


def delay(failures: int) -> float:
    """Seconds a try waits when it is the account's `failures`-th in the window."""
    if failures <= ACCOUNT_FREE:
        return 0.0
    return min(DELAY_FIRST * 2 ** (failures - ACCOUNT_FREE - 1), DELAY_CAP)


def _name(username: str) -> str:
    # ":" and "|" never appear in a real username (accounts.services.USERNAME): a typed name
    # holding them cannot be an account, and must not shape another pair's key.
    name = username.lower()
    return "?" if ":" in name or "|" in name else name


def address_key(address: str) -> str:
    return f"addr:{address}"


def _store():
    return stores.get_store("login-failures")


@dataclass(frozen=True)
class Attempt:
    """The places one try took in the counters."""

    account: str
    pair: str
    address: str
    pair_count: int
    locked: str


async def begin(username: str, address: str) -> Attempt:
    """Take this try's places, or refuse with TooManyAttempts; waits when the account is
    being guessed at from many places."""
    store, name = _store(), _name(username)
    generation = await stores.count(store, f"gen:{name}")
    pair, origin = f"pair:{name}:{generation}|{address}", address_key(address)
    pair_count = await stores.take(store, pair, limit=PAIR_LIMIT, expires_in=WINDOW)
    if not pair_count:
        raise _too_many()
    if not await stores.take(store, origin, limit=ADDRESS_LIMIT, expires_in=WINDOW):
        await stores.give_back(store, pair)
        raise _too_many()
    account = f"user:{name}"
    failures = await stores.take(store, account, limit=_NO_CEILING, expires_in=WINDOW)
    await asyncio.sleep(delay(failures))
    return Attempt(account, pair, origin, pair_count, f"locked:{name}")


async def failed(attempt: Attempt) -> None:
    """The password was wrong: the places stay taken."""
    if attempt.pair_count >= PAIR_LIMIT:  # this failure closed its pair
        await stores.take(_store(), attempt.locked, limit=_NO_CEILING, expires_in=WINDOW)


async def succeeded(attempt: Attempt) -> None:
    """The owner's password: the account's failures and this pair's are forgotten."""
    store = _store()
    async with stores.reachable():
        await store.delete(attempt.account)
        await store.delete(attempt.pair)
    await stores.give_back(store, attempt.address)


@dataclass(frozen=True)
class Status:
    """What an organizer sees of an account's throttle: never an address."""

    username: str
    failures: int  # failed sign-ins from anywhere in the window
    locked_addresses: int  # addresses refused for this account until their window ends
    next_delay: float  # seconds the next try will wait


async def status(usernames: list[str]) -> list[Status]:
    """The accounts among `usernames` that have failed sign-ins in the window."""
    store, found = _store(), []
    for username in usernames:
        name = _name(username)
        failures = await stores.count(store, f"user:{name}")
        locked = await stores.count(store, f"locked:{name}")
        if failures or locked:
            found.append(Status(username, failures, locked, delay(failures + 1)))
    return found


async def clear(username: str, *, team: list[str]) -> None:
    """Forget the failures of an account of `team`: no wait, and every address may try again."""
    if username not in team:
        raise NotFound(_("There is no one of that name in this forum's team."))
    store, name = _store(), _name(username)
    await stores.take(store, f"gen:{name}", limit=_NO_CEILING, expires_in=_GENERATION_KEPT)
    async with stores.reachable():
        await store.delete(f"user:{name}")
        await store.delete(f"locked:{name}")


def _too_many() -> TooManyAttempts:
    return TooManyAttempts(_("Too many failed sign-ins. Please wait 15 minutes and try again."))
