import pytest

from forum_mgmt.accounts import services
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.core.errors import Conflict
from tests.factories import PASSWORD, make_user


async def test_passwords_are_stored_hashed_and_checked():
    user, _token = await make_user("alice")
    assert user.password.startswith("pbkdf2_sha256$600000$")
    assert PASSWORD not in user.password
    signed_in = await services.authenticate("alice", PASSWORD, address="10.0.0.1")
    assert signed_in.id == user.id
    with pytest.raises(services.InvalidCredentials):
        await services.authenticate("alice", "wrong-password", address="10.0.0.1")
    with pytest.raises(services.InvalidCredentials):
        await services.authenticate("nobody", PASSWORD, address="10.0.0.1")


async def test_repeated_failures_are_throttled_per_account_even_with_the_right_password():
    await make_user("alice")
    for _ in range(services.MAX_FAILURES):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address="10.0.0.2")
    with pytest.raises(services.TooManyAttempts):
        await services.authenticate("alice", PASSWORD, address="10.0.0.3")


async def test_repeated_failures_are_throttled_per_address_across_accounts():
    await make_user("bob")
    for i in range(services.MAX_FAILURES):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate(f"guess{i}", "x" * 8, address="10.9.9.9")
    with pytest.raises(services.TooManyAttempts):
        await services.authenticate("bob", PASSWORD, address="10.9.9.9")
    assert (await services.authenticate("bob", PASSWORD, address="10.1.1.1")).username == "bob"


async def test_tokens_are_stored_as_digests_and_can_be_revoked():
    user, secret = await make_user("alice")
    row = await ApiToken.objects().first()
    assert secret not in (row.digest, row.prefix) and row.prefix == secret[:10]
    assert (await services.user_for_token(secret)).id == user.id
    assert await services.user_for_token(secret + "x") is None
    assert await services.user_for_token("not-a-token") is None
    await services.revoke_token(user, row.id)
    assert await services.user_for_token(secret) is None


async def test_usernames_are_unique_and_checked():
    await make_user("alice")
    with pytest.raises(Conflict):
        await services.create_user("alice", password=PASSWORD)
    with pytest.raises(services.InvalidUser):
        await services.create_user("a b", password=PASSWORD)
    with pytest.raises(services.InvalidUser):
        await services.create_user("carol", password="123")


async def test_a_generated_password_is_returned_and_works():
    _user, password = await services.create_user("dora")
    assert len(password) >= 12
    assert (await services.authenticate("dora", password, address="x")).username == "dora"


async def test_the_right_password_clears_the_accounts_failures():
    await make_user("alice")
    for i in range(services.MAX_FAILURES - 1):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address=f"10.0.1.{i}")
    await services.authenticate("alice", PASSWORD, address="10.0.2.1")
    for i in range(services.MAX_FAILURES):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address=f"10.0.3.{i}")
    with pytest.raises(services.TooManyAttempts):
        await services.authenticate("alice", PASSWORD, address="10.0.4.1")
