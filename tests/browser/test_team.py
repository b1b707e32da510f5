"""An organizer invites a colleague as staff; the colleague opens the mailed link, sets a
password and lands signed in, with the forum in their workspace."""

import pytest

from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.factories import make_forum, make_user
from tests.teams.helpers import NEW_PASSWORD, link_in_mail

pytestmark = pytest.mark.browser


async def test_organizer_invites_a_colleague_who_sets_a_password_and_lands_signed_in(
    live_server, browser
):
    await make_forum("team-forum", name="NGO Leaders Forum", name_local="NGO領袖論壇")
    from forum_mgmt.forums import services as forums

    await make_user("olga", role=Role.ORGANIZER, forum=await forums.get_forum("team-forum"))
    errors: list[str] = []
    organizer = await browser.new_context(viewport={"width": 360, "height": 800})
    page = await organizer.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, "olga")
    await page.goto(f"{live_server}/manage/forums/team-forum")
    await page.click("nav.workspace >> text=Team")
    await page.wait_for_url(f"{live_server}/manage/forums/team-forum/team")
    await page.fill("#f-email", "mei.chen@example.org")
    await page.select_option("#f-role", "staff")
    await page.click("text=Send invitation")
    await page.wait_for_selector("text=Invitation sent.")
    assert await page.is_visible("li[data-invitation='mei.chen@example.org']")
    for lang in ("en", "zh-TW"):
        await page.goto(f"{live_server}/manage/forums/team-forum/team?lang={lang}")
        await page.screenshot(path=str(ARTIFACTS / f"team-360-{lang}.png"), full_page=True)

    link = await link_in_mail("mei.chen@example.org")
    colleague = await browser.new_context(viewport={"width": 360, "height": 800})
    mei = await colleague.new_page()
    mei.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await mei.goto(f"{live_server}{link}?lang=en")
    assert "Join the team of NGO Leaders Forum" in await mei.inner_text("h1")
    await mei.screenshot(path=str(ARTIFACTS / "team-invitation-360.png"), full_page=True)
    await mei.fill("#f-username", "mei")
    await mei.fill("#f-password", NEW_PASSWORD)
    await mei.click("text=Create my account and join")
    await mei.wait_for_url(f"{live_server}/manage")
    assert "NGO Leaders Forum" in await mei.inner_text("main")  # signed in, with the forum
    await mei.goto(f"{live_server}/checkin/team-forum")  # staff: the scanner opens
    assert mei.url == f"{live_server}/checkin/team-forum"

    await page.goto(f"{live_server}/manage/forums/team-forum/team?lang=en")
    assert await page.is_visible("tr[data-member='mei']")
    assert not await page.is_visible("li[data-invitation='mei.chen@example.org']")
    assert errors == []
    await organizer.close()
    await colleague.close()
