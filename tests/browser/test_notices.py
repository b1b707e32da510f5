"""Agenda change notices in Chromium at 360 px, in Traditional Chinese: the organizer's
page of notices waiting (and holding them), and the attendee's ticket page listing the
recent changes to their sessions. Screenshots go to test-artifacts/."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.factories import at
from tests.notices.world import build

pytestmark = pytest.mark.browser


async def test_waiting_notices_and_recent_changes_on_a_phone_in_chinese(
    live_server, browser, client
):
    world = await build(client)
    moved = await client.patch(
        f"/api/forums/nf/sessions/{world.workshop.id}",
        json={"starts_at": at("13:30"), "ends_at": at("14:30"), "room_id": world.small.id},
        headers=world.auth,
    )
    assert moved.status_code == 200
    await client.delete(f"/api/forums/nf/sessions/{world.panel.id}", headers=world.auth)

    context = await browser.new_context(viewport={"width": 360, "height": 800})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, "org-nf")
    await page.goto(f"{live_server}/manage/forums/nf/notices?lang=zh-TW")
    rows = page.locator("table.notices tbody tr")
    assert await rows.count() == 4  # Alice, Bob, Carol (the panel) and the speaker
    assert "2 場議程" in await rows.nth(1).inner_text()
    await page.screenshot(path=str(ARTIFACTS / "notices-waiting-360-zh.png"), full_page=True)
    await page.click("text=調整議程期間暫停通知")
    await page.wait_for_selector("text=通知已暫停：在您恢復之前不會寄出。")
    assert await page.locator("text=恢復寄送通知").count() == 1
    # no part of the page is wider than the phone
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360

    await page.goto(f"{live_server}/tickets/{world.bob.token}?lang=zh-TW")
    changes = page.locator("#recent-changes")
    await changes.scroll_into_view_if_needed()
    text = await changes.inner_text()
    assert "我的議程近期變動" in text and "閉幕座談" in text and "已取消" in text
    assert "201 會議室" in text
    await changes.screenshot(path=str(ARTIFACTS / "ticket-changes-360-zh.png"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
    await context.close()
