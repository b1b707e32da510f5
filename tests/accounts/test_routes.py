import asyncio
import time
from contextlib import asynccontextmanager

import httpx
import pytest

from forum_mgmt.accounts import throttle
from forum_mgmt.core import stores
from forum_mgmt.core.stores import get_store
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_forum, make_user

TO_SIGN_IN = "/login?next=%2Fmanage"


@asynccontextmanager
async def browser(app, *, session: str | None = None, address: str = "127.0.0.1"):
    """Another browser (at another address), holding only this session cookie."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 123)),
        base_url="http://test",
        headers={"accept": "text/html"},
        cookies={"session": session} if session else None,
    ) as other:
        yield other


async def test_sign_in_form_starts_a_session_and_sign_out_ends_it(client):
    await make_user("alice")
    page = await client.get("/login")
    assert page.status_code == 200
    assert 'name="username"' in page.text and 'name="password"' in page.text
    assert 'name="_csrf_token"' in page.text
    response = await sign_in(client, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/manage"
    assert (await client.get("/manage/tokens")).status_code == 200
    token = await csrf_token(client)
    out = await client.post("/logout", data={"_csrf_token": token})
    assert out.status_code == 303
    after = await client.get("/manage/tokens")
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


async def test_wrong_password_shows_the_form_again_with_a_message(client):
    await make_user("alice")
    response = await sign_in(client, "alice", "wrong-password")
    assert response.status_code == 401
    assert "The username or password is wrong." in response.text
    assert 'value="alice"' in response.text


async def test_repeated_failures_answer_429_to_that_address_only(app, client):
    await make_user("alice")
    statuses = [(await sign_in(client, "alice", "nope-nope")).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert (await sign_in(client, "alice", PASSWORD)).status_code == 429
    async with browser(app, address="10.0.0.7") as elsewhere:
        assert (await sign_in(elsewhere, "alice")).status_code == 303


async def test_one_persons_typos_do_not_lock_out_colleagues_behind_the_same_address(client):
    """A venue's staff share one public address (NAT)."""
    await make_user("mei")
    await make_user("wei")
    for _ in range(5):
        assert (await sign_in(client, "mei", "typo-typo")).status_code == 401
    assert (await sign_in(client, "mei")).status_code == 429
    assert (await sign_in(client, "wei")).status_code == 303


async def test_sign_in_without_csrf_token_is_refused(client):
    await make_user("alice")
    await client.get("/login")
    response = await client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


HOSTILE_NEXT = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u3000/evil.example",
    "/\u200b/evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    "evil.example",
    "",
]


async def test_next_only_goes_to_this_site(client):
    await make_user("alice")
    token = await csrf_token(client)
    for target, expected in (
        ("/manage/tokens", "/manage/tokens"),
        ("/checkin/test-forum?lang=zh-TW", "/checkin/test-forum?lang=zh-TW"),
        *((hostile, "/manage") for hostile in HOSTILE_NEXT),
    ):
        client.cookies.delete("session")
        response = await client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": target, "_csrf_token": token},
        )
        assert (response.status_code, response.headers["location"]) == (303, expected), target


async def test_the_sign_in_form_keeps_only_a_safe_next(client):
    page = await client.get("/login", params={"next": "/\t/evil.example"})
    assert '<input type="hidden" name="next" value="">' in page.text
    page = await client.get("/login", params={"next": "/manage/tokens"})
    assert '<input type="hidden" name="next" value="/manage/tokens">' in page.text


async def test_sign_in_replaces_a_session_id_planted_before(app, client):
    await make_user("alice")
    planted = "a" * 64  # set by someone else, who now waits for it to be signed in
    client.cookies.set("session", planted, domain="test.local")
    assert (await sign_in(client, "alice")).status_code == 303
    issued = client.cookies["session"]
    assert issued != planted and len(issued) == 64
    assert (await client.get("/manage")).status_code == 200
    async with browser(app, session=planted) as planter:
        response = await planter.get("/manage")
    assert (response.status_code, response.headers["location"]) == (303, TO_SIGN_IN)


async def test_each_sign_in_gets_a_new_id_and_deletes_the_old_session(app, client):
    await make_user("mallory")
    await make_user("alice")
    await sign_in(client, "mallory")
    first = client.cookies["session"]
    await sign_in(client, "alice")
    second = client.cookies["session"]
    assert second != first
    assert await get_store("sessions").get(first) is None
    async with browser(app, session=first) as old:
        response = await old.get("/manage")
    assert (response.status_code, response.headers["location"]) == (303, TO_SIGN_IN)
    async with browser(app, session=second) as current:
        assert (await current.get("/manage")).status_code == 200


async def test_sign_out_deletes_the_session(app, client):
    await make_user("alice")
    await sign_in(client, "alice")
    signed_in = client.cookies["session"]
    out = await client.post("/logout", data={"_csrf_token": await csrf_token(client)})
    assert out.status_code == 303
    assert client.cookies["session"] == "null"  # what Litestar sends to end a session
    assert await get_store("sessions").get(signed_in) is None
    async with browser(app, session=signed_in) as old:
        response = await old.get("/manage")
    assert (response.status_code, response.headers["location"]) == (303, TO_SIGN_IN)


async def test_twenty_parallel_guesses_get_five_tries_then_429(app, client):
    await make_user("alice")
    token = await csrf_token(client)

    async def guess(i: int) -> httpx.Response:
        data = {"username": "alice", "password": f"wrong-{i:02d}", "_csrf_token": token}
        return await client.post("/login", data=data)

    responses = await asyncio.gather(*(guess(i) for i in range(20)))
    assert sorted(r.status_code for r in responses) == [401] * 5 + [429] * 15
    for response in responses:
        message = (
            "The username or password is wrong."
            if response.status_code == 401
            else "Too many failed sign-ins. Please wait 15 minutes and try again."
        )
        assert message in response.text
    assert (await sign_in(client, "alice")).status_code == 429
    assert await throttle.status(["alice"]) == [
        throttle.Status("alice", failures=5, locked_addresses=1, next_delay=0.0)
    ]
    # the pair is refused, not the account: the owner elsewhere signs in
    async with browser(app, address="10.0.0.7") as elsewhere:
        assert (await sign_in(elsewhere, "alice")).status_code == 303
    assert await throttle.status(["alice"]) == [
        throttle.Status("alice", failures=0, locked_addresses=1, next_delay=0.0)
    ]


async def _failures_from(address: str, count: int) -> None:
    """An address's earlier failures, as a credential-stuffing run leaves them."""
    store = get_store("login-failures")
    for _ in range(count):
        assert await stores.take(
            store, throttle.address_key(address), limit=throttle.ADDRESS_LIMIT, expires_in=60
        )


@pytest.mark.parametrize("earlier", [throttle.ADDRESS_LIMIT - 2, throttle.ADDRESS_LIMIT - 1])
async def test_an_address_gets_100_failures_across_accounts_and_a_success_clears_none(
    client, earlier
):
    await make_user("alice")
    await make_user("bob")
    await _failures_from("127.0.0.1", earlier)
    assert (await sign_in(client, "guess", "wrong-pass")).status_code == 401
    bob = await sign_in(client, "bob")
    assert bob.status_code == (303 if earlier < throttle.ADDRESS_LIMIT - 1 else 429)
    # one more failure from this address and it is refused, whatever the account
    if bob.status_code == 303:
        assert (await sign_in(client, "alice", "wrong-pass")).status_code == 401
    assert (await sign_in(client, "alice")).status_code == 429
    assert "Too many failed sign-ins." in (await sign_in(client, "bob")).text


def test_the_wait_doubles_from_the_eleventh_failure_up_to_four_seconds():
    waits = [throttle.delay(n) for n in range(1, 17)]
    assert waits == [0.0] * 10 + [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


async def test_an_account_guessed_from_many_addresses_slows_down_but_its_owner_signs_in(app):
    await make_user("alice")
    for i in range(throttle.ACCOUNT_FREE + 2):  # each from its own address
        async with browser(app, address=f"10.1.0.{i}") as guesser:
            started = time.monotonic()
            assert (await sign_in(guesser, "alice", f"wrong-{i}")).status_code == 401
            waited = time.monotonic() - started
        assert waited >= throttle.delay(i + 1), i
    async with browser(app, address="10.2.0.1") as owner:
        started = time.monotonic()
        response = await sign_in(owner, "alice")
        waited = time.monotonic() - started
    assert response.status_code == 303
    assert 2.0 <= waited < 2.0 + 3  # the 13th try: 2 s, then the hashing
    assert await throttle.status(["alice"]) == []  # the owner's sign-in ends the wait


async def test_tokens_page_creates_shows_once_and_revokes(client):
    await make_forum()
    await make_user("alice")
    await sign_in(client, "alice")
    token = await csrf_token(client)
    created = await client.post("/manage/tokens", data={"name": "Door 1", "_csrf_token": token})
    assert created.status_code == 200
    assert "Door 1" in created.text and "fm_" in created.text
    listing = await client.get("/manage/tokens")
    secret_shown = created.text.split('<code class="secret">')[1].split("</code>")[0]
    assert secret_shown not in listing.text
