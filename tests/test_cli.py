"""The forum-mgmt command, run as a subprocess on the tests' database."""

from __future__ import annotations

import os
import subprocess
import sys

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Role
from tests.conftest import sign_in
from tests.factories import DAY, bearer, make_forum, make_user


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "forum_mgmt.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


async def test_token_create_prints_a_token_that_signs_requests_in(client):
    await make_forum()
    user, _token = await make_user(
        "alice", role=Role.ORGANIZER, forum=await forums.get_forum("test-forum")
    )
    done = cli("token", "create", "alice", "--label", "door 1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("API token for alice (shown once; send it as 'Authorization: Bearer ...'):")
    secret = lines[-1]
    assert secret.startswith("fm_")
    response = await client.get("/api/forums/test-forum/registrations", headers=bearer(secret))
    assert (response.status_code, response.json()) == (200, [])
    rows = (
        await ApiToken.select(ApiToken.name, ApiToken.prefix)
        .where(ApiToken.user == user.id)
        .order_by(ApiToken.id)
    )
    assert rows[-1] == {"name": "door 1", "prefix": secret[:10]}
    wrong = await client.get("/api/forums/test-forum/registrations", headers=bearer(secret + "x"))
    assert wrong.status_code == 401
    unknown = cli("token", "create", "nobody")
    assert (unknown.returncode, unknown.stderr) == (2, "error: There is no user with that name.\n")


async def test_user_create_grants_the_role_on_the_forum(client):
    forum = await make_forum()
    done = cli(
        "user",
        "create",
        "olga",
        "--role",
        "organizer",
        "--forum",
        "test-forum",
        "--password",
        "olga-pass-2026",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Created organizer olga on forum test-forum.\n"
    olga = await accounts.get_user_by_name("olga")
    assert await forums.role_on(olga, forum) == Role.ORGANIZER
    assert (await sign_in(client, "olga", "olga-pass-2026")).status_code == 303
    page = await client.get("/manage/forums/test-forum")
    assert page.status_code == 200
    assert "Test Forum" in page.text
    taken = cli("user", "create", "olga", "--role", "staff", "--forum", "test-forum")
    assert (taken.returncode, taken.stderr) == (2, "error: That username is taken.\n")


async def test_user_create_refuses_a_short_or_common_password():
    for password, reason in (
        ("olga-pass-1", "A password needs at least 12 characters."),
        ("1qaz2wsx3edc", "That password is among the most common ones. Please choose another."),
    ):
        done = cli("user", "create", "olga", "--role", "admin", "--password", password)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {reason}\n")


async def test_demo_prints_the_sign_in_with_demo_password(client, tmp_path):
    done = cli(
        "demo",
        "--date",
        DAY.isoformat(),
        DEMO_PASSWORD="demo-pass-2026",
        BASE_URL="http://forum.test",
        FORUM_MGMT_DATA=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Loaded the demo forum “NGO Leaders Forum 2026” on {DAY}: "
        "http://forum.test/forums/ngo-leaders-forum-2026",
        "Demo sign-in (organizer, then door staff):",
        "http://forum.test/login  demo-organizer / demo-pass-2026",
        "http://forum.test/login  demo-staff / demo-pass-2026",
    ]
    assert (await sign_in(client, "demo-organizer", "demo-pass-2026")).status_code == 303
    assert (await client.get("/manage/forums/ngo-leaders-forum-2026")).status_code == 200
