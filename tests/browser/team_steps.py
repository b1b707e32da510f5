"""The team step of issue 16's Chromium journey (test_invitations.py runs it): an organizer
invites a colleague as staff; the colleague opens the mailed link, sets a password and lands
signed in on the forum's scanner."""

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.teams.helpers import NEW_PASSWORD, link_in_mail


async def colleague_joins_as_staff(live_server, browser, slug: str, organizer_name: str):
    """The organizer invites a colleague as staff from the Team page; the colleague opens the
    mailed link, sets a password and lands signed in on the scanner (the forum is today, so
    its check-in is open). One step of issue 16's journey (test_invitations.py)."""
    errors: list[str] = []
    organizer = await browser.new_context(viewport={"width": 360, "height": 800})
    page = await organizer.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, organizer_name)
    await page.goto(f"{live_server}/manage/forums/{slug}")
    await page.click("nav.workspace >> text=Team")
    await page.wait_for_url(f"{live_server}/manage/forums/{slug}/team")
    await page.fill("#f-email", "mei.chen@example.org")
    await page.select_option("#f-role", "staff")
    await page.click("text=Send invitation")
    await page.wait_for_selector("text=Invitation sent.")
    assert await page.is_visible("li[data-invitation='mei.chen@example.org']")
    for lang in ("en", "zh-TW"):
        await page.goto(f"{live_server}/manage/forums/{slug}/team?lang={lang}")
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
    await mei.wait_for_url(f"{live_server}/checkin/{slug}")  # staff: on the scanner
    await mei.screenshot(path=str(ARTIFACTS / "team-landed-360.png"), full_page=True)
    await mei.goto(f"{live_server}/manage")
    assert "NGO Leaders Forum" in await mei.inner_text("main")  # and the forum in the list

    await page.goto(f"{live_server}/manage/forums/{slug}/team?lang=en")
    assert await page.is_visible("tr[data-member='mei']")
    assert not await page.is_visible("li[data-invitation='mei.chen@example.org']")
    assert errors == []
    await organizer.close()
    await colleague.close()
