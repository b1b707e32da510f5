import pytest
from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services, throttle
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


async def test_repeated_failures_are_throttled_per_account_and_address_pair():
    await make_user("alice")
    for _ in range(throttle.PAIR_LIMIT):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address="10.0.0.2")
    with pytest.raises(throttle.TooManyAttempts):
        await services.authenticate("alice", PASSWORD, address="10.0.0.2")
    assert (await services.authenticate("alice", PASSWORD, address="10.0.0.3")).id


async def test_five_failures_on_other_accounts_do_not_refuse_an_address():
    await make_user("bob")
    for i in range(throttle.PAIR_LIMIT):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate(f"guess{i}", "x" * 8, address="10.9.9.9")
    assert (await services.authenticate("bob", PASSWORD, address="10.9.9.9")).username == "bob"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "A password needs at least 12 characters."),
        ("x" * 129, "A password has at most 128 characters."),
        ("qwerty123456", "That password is among the most common ones. Please choose another."),
        ("QazWsxEdcRfv", "That password is among the most common ones. Please choose another."),
        ("pbkdf2_sha256$looks-hashed", "Please choose another password."),
    ],
)
async def test_weak_passwords_are_refused_for_every_role(password, message):
    for admin in (False, True):
        with pytest.raises(services.InvalidUser) as refused:
            await services.create_user("carol", password=password, admin=admin)
        assert (refused.value.message, refused.value.fields) == (message, {"password": message})
    user, _token = await make_user("dave")
    with pytest.raises(services.InvalidUser):
        await services.set_password(user, password)
    assert await BaseUser.count().where(BaseUser.username == "carol") == 0


async def test_a_long_uncommon_password_is_accepted():
    _user, password = await services.create_user("carol", password="twelve-chars")
    assert password == "twelve-chars"
    assert (await services.authenticate("carol", "twelve-chars", address="x")).username == "carol"


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


async def test_generated_passwords_pass_the_rules():
    for i in range(3):
        _user, password = await services.create_user(f"gen{i}")
        assert len(password) == 16
        services.check_password(password)


async def test_a_generated_password_is_returned_and_works():
    _user, password = await services.create_user("dora")
    assert len(password) >= 12
    assert (await services.authenticate("dora", password, address="x")).username == "dora"


async def test_the_right_password_clears_the_accounts_and_its_pairs_failures():
    await make_user("alice")
    for _i in range(throttle.PAIR_LIMIT - 1):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address="10.0.1.1")
    with pytest.raises(services.InvalidCredentials):
        await services.authenticate("alice", "wrong-password", address="10.0.1.2")
    await services.authenticate("alice", PASSWORD, address="10.0.1.1")
    assert await throttle.status(["alice"]) == []
    for _i in range(throttle.PAIR_LIMIT):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("alice", "wrong-password", address="10.0.1.1")
    with pytest.raises(throttle.TooManyAttempts):
        await services.authenticate("alice", PASSWORD, address="10.0.1.1")
    # the other address's failure was not cleared: 4 more, and it is refused too
    for _i in range(throttle.PAIR_LIMIT - 1):
        with pytest.raises(services.InvalidCredentials):
            await services.authenticate("ALICE", "wrong-password", address="10.0.1.2")
    with pytest.raises(throttle.TooManyAttempts):
        await services.authenticate("alice", PASSWORD, address="10.0.1.2")
