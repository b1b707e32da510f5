"""An organizer builds a forum's agenda in the browser, from nothing to a public page."""

import pytest

from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.factories import DAY, make_user

pytestmark = pytest.mark.browser


async def test_build_a_forum_from_an_empty_workspace(live_server, browser):
    user, _token = await make_user("builder")
    org = await forums.ensure_organisation("mofa", name="MOFA")
    await forums.join(org, user, Role.ORGANIZER)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, "builder")

    await page.click("text=Create a forum")
    await page.fill("#f-slug", "ui-forum")
    await page.fill("#f-name", "NGO Leaders Forum")
    await page.fill("#f-name_local", "NGO領袖論壇")
    await page.fill("#f-starts_on", DAY.isoformat())
    await page.fill("#f-ends_on", DAY.isoformat())
    await page.click("text=Create the forum")
    await page.wait_for_url(f"{live_server}/manage/forums/ui-forum")

    await page.click("nav.workspace >> text=Rooms")
    await page.fill("#f-name", "Main Hall")
    await page.fill("#f-name_local", "國際會議廳")
    await page.fill("#f-capacity", "300")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_selector("td >> text=國際會議廳")

    await page.click("nav.workspace >> text=Speakers")
    await page.fill("#f-name", "Lin Chia-lung")
    await page.fill("#f-name_local", "林佳龍")
    await page.fill("#f-title", "Minister of Foreign Affairs")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_selector("td >> text=林佳龍")

    await page.click("nav.workspace >> text=Agenda builder")
    await page.click('td.slot.free[data-start="09:00"] a.add')
    await page.fill("#f-title", "Opening Address")
    await page.select_option("#f-kind", "opening")
    await page.fill("#f-end", "09:30")
    await page.check("text=Lin Chia-lung")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_selector("td.taken >> text=Opening Address")

    await page.click("nav.workspace >> text=NGO Leaders Forum")
    await page.click(".publish button[type=submit]")
    # the session has no Chinese title: publishing lists it, and goes on once accepted
    await page.wait_for_selector("#missing >> text=Opening Address")
    await page.check("input[name=accept_fallback]")
    await page.click(".publish button[type=submit]")
    await page.wait_for_selector(".publish >> .badge.published")
    await page.goto(f"{live_server}/forums/ui-forum/agenda?lang=zh-TW")
    body = await page.inner_text("main")
    assert "林佳龍" in body and "Opening Address" in body and "09:00" in body
    await page.screenshot(path=str(ARTIFACTS / "built-agenda.png"), full_page=True)
    assert errors == []
    await context.close()
