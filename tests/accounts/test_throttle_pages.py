"""/manage/forums/{slug}/sign-in-throttles: an organizer sees and clears the team's throttles."""

import re

import httpx

from forum_mgmt.forums.tables import Role
from tests.accounts.test_routes import browser
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user

PAGE = "/manage/forums/test-forum/sign-in-throttles"


async def _fail(app, username: str, address: str, times: int) -> list[int]:
    async with browser(app, address=address) as guesser:
        return [(await sign_in(guesser, username, "wrong-pass")).status_code for _ in range(times)]


def _rows(page: httpx.Response) -> list[list[str]]:
    """The table's rows, as the text of their cells."""
    body = page.text.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("<tr>")[1:]
    ]


async def test_an_organizer_sees_and_clears_a_colleagues_throttle(app, client):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await make_user("mei", role=Role.STAFF, forum=forum)
    await make_user("outsider")
    assert await _fail(app, "mei", "10.9.9.9", 6) == [401] * 5 + [429]
    assert await _fail(app, "mei", "10.8.8.8", 1) == [401]
    assert await _fail(app, "outsider", "10.9.9.9", 1) == [401]
    await sign_in(client, "org")

    page = await client.get(PAGE)
    assert page.status_code == 200
    # the outsider has no role here: not shown
    assert _rows(page) == [["mei", "6", "1", "–", "Clear"]]
    assert "10.9.9.9" not in page.text and "10.8.8.8" not in page.text  # no addresses

    token = await csrf_token(client)
    cleared = await client.post(PAGE + "/clear", data={"username": "mei", "_csrf_token": token})
    assert (cleared.status_code, cleared.headers["location"]) == (303, PAGE + "?cleared=1")
    after = await client.get(cleared.headers["location"])
    assert "Cleared." in after.text
    assert _rows(after) == [["No one in your team has failed to sign in lately."]]
    async with browser(app, address="10.9.9.9") as venue:  # the refused address may try again
        assert (await sign_in(venue, "mei")).status_code == 303


async def test_only_a_team_members_throttle_can_be_cleared(app, client):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await make_user("outsider")
    assert await _fail(app, "outsider", "10.9.9.9", 6) == [401] * 5 + [429]
    await sign_in(client, "org")
    token = await csrf_token(client)
    refused = await client.post(
        PAGE + "/clear", data={"username": "outsider", "_csrf_token": token}
    )
    assert refused.status_code == 404
    assert "There is no one of that name in this forum&#39;s team." in refused.text
    assert await _fail(app, "outsider", "10.9.9.9", 1) == [429]
    no_csrf = await client.post(PAGE + "/clear", data={"username": "outsider"})
    assert no_csrf.status_code == 403


async def test_the_page_shows_the_wait_of_an_account_guessed_from_many_places(app, client):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    for i in range(11):
        assert await _fail(app, "org", f"10.3.0.{i}", 1) == [401]
    page = await client.get(PAGE)
    assert _rows(page) == [["org", "11", "0", "1 s", "Clear"]]
    zh = await client.get(PAGE, params={"lang": "zh-TW"})
    assert _rows(zh) == [["org", "11", "0", "1 秒", "解除"]]
