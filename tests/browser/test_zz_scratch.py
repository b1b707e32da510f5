"""SCRATCH (not committed): the scanner against a mocked API."""
import json
import pytest
from forum_mgmt.tickets import keys
from tests.browser import test_scanner as t
from tests.browser.test_scanner import door  # noqa: F401

pytestmark = pytest.mark.browser


async def mock(page, forum, people, scans):
    pair = await keys.forum_key(forum)
    data = {"forum_id": forum.id, "public_key": pair.public_b64,
            "window": {"opens_at": None, "closes_at": None},
            "serials": {str(r.id): 1 for r, _ in people},
            "people": {str(r.id): {"id": r.id, "name": r.name, "name_local": r.name_local,
                                    "organization": r.organization, "category": "attendee",
                                    "category_name": "Attendee"} for r, _ in people},
            "refused": {}, "used": [], "generated_at": "2026-11-25T10:00:00+08:00"}
    async def data_h(route):
        await route.fulfill(json=data)
    async def scan_h(route):
        body = json.loads(route.request.post_data)
        scans.append(body)
        r = people[0][0]
        await route.fulfill(json={"result": "ok", "message": "", "registration": data["people"][str(r.id)],
                                  "checked_in_at": "x", "checkin_id": 5, "previous": None})
    async def sync_h(route):
        body = json.loads(route.request.post_data)
        scans.extend(body["scans"])
        await route.fulfill(json={"results": [{"result": "ok", "registration": None} for _ in body["scans"]]})
    await page.route("**/checkin-data*", data_h)
    await page.route("**/checkins/sync", sync_h)
    await page.route("**/checkins", scan_h)


async def test_offline_mock(live_server, page, door):
    forum, token = door
    p = await t.attendee(forum, 1, name="Wang Da-ming", name_local="王大明")
    scans = []
    await mock(page, forum, [p], scans)
    await t.open_scanner(page, live_server, "door", token)
    page.on("requestfailed", lambda r: print("FAILED", r.url, r.failure))
    print("ONLINE?", await page.evaluate("navigator.onLine"))
    await page.context.set_offline(True)
    print("ONLINE?", await page.evaluate("navigator.onLine"))
    await page.fill("#code", p[1])
    await page.press("#code", "Enter")
    answer = page.locator("#answer[data-result]")
    await answer.wait_for()
    print(await page.inner_text("#answer"))
    assert await answer.get_attribute("data-offline") == "true"
    assert await answer.get_attribute("data-result") == "ok"
    await page.fill("#code", p[1])
    await page.press("#code", "Enter")
    await page.wait_for_function("document.querySelector('#answer').dataset.result === 'already_checked_in'")
    print(await page.inner_text("#answer"))
    await page.context.set_offline(False)
    await page.wait_for_function("document.querySelector('#scanner').dataset.queued === '0'")
    print(await page.inner_text("#sync-status"), scans)
    assert page.console_errors == []
    await page.screenshot(path="test-artifacts/scratch.png")


async def test_camera_mock(live_server, database, tmp_path):
    from playwright.async_api import async_playwright
    forum = await t.door_forum("camera")
    p = await t.attendee(forum, 1, name="Lin Mei-hua", name_local="林美華")
    _u, token = await t.make_user("door", role=t.Role.STAFF, forum=forum)
    video = tmp_path / "ticket.y4m"
    t.write_y4m(video, t.qr.image(p[1], box_size=8))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=t.CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
        page = await browser.new_page()
        errs = []
        page.on("pageerror", lambda e: errs.append(str(e)))
        page.on("console", lambda m: errs.append(m.text))
        scans = []
        await mock(page, forum, [p], scans)
        await t.open_scanner(page, live_server, "camera", token)
        await page.click("#camera-toggle")
        await page.locator("#answer[data-result]").wait_for(timeout=15000)
        print(await page.inner_text("#answer"), scans, errs)
        await page.screenshot(path="test-artifacts/scratch-cam.png")
        await browser.close()
