from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_forum, make_user


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


async def test_repeated_failures_answer_429(client):
    await make_user("alice")
    statuses = [(await sign_in(client, "alice", "nope-nope")).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert (await sign_in(client, "alice", PASSWORD)).status_code == 429


async def test_sign_in_without_csrf_token_is_refused(client):
    await make_user("alice")
    await client.get("/login")
    response = await client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


async def test_next_only_goes_to_this_site(client):
    await make_user("alice")
    token = await csrf_token(client)
    for target, expected in (
        ("/manage/tokens", "/manage/tokens"),
        ("https://evil.example", "/manage"),
        ("//evil.example", "/manage"),
    ):
        client.cookies.delete("session")
        response = await client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": target, "_csrf_token": token},
        )
        assert response.headers["location"] == expected


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
