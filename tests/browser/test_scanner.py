"""The check-in scanner in Chromium: a fake camera showing a ticket's QR, a hand scanner
typing a forged code, and a scan made with the network cut that syncs afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from PIL import Image

from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import qr
from forum_mgmt.tickets import services as tickets
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.checkin.helpers import device_code
from tests.factories import TZ, bearer, make_forum, make_user
from tests.registration.helpers import person

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, picture: Image.Image, frames: int = 10) -> None:
    """A still picture as a YUV4MPEG2 4:2:0 video: grey only, so U and V are all 128."""
    canvas = Image.new("L", (WIDTH, HEIGHT), 255)
    side = min(WIDTH, HEIGHT) - 40
    code = picture.convert("L").resize((side, side), Image.Resampling.NEAREST)
    canvas.paste(code, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


# The server keeps each forum's public key by forum id for the life of its process, while
# the clean-up between tests lets ids start again at 1: every forum here gets a new id.
_FORUM_IDS: set[int] = set()


async def door_forum(slug: str):
    """A forum whose check-in is open now: it starts today in its own zone."""
    today = time.local(time.now(), TZ).date()
    for n in range(len(_FORUM_IDS)):
        await make_forum(f"{slug}-filler-{n}", publish=False)
    forum = await make_forum(slug, starts_on=today, ends_on=today + dt.timedelta(days=1))
    assert forum.id not in _FORUM_IDS
    _FORUM_IDS.add(forum.id)
    return forum


async def attendee(forum, n: int, **fields):
    outcome = await registration.register(forum, person(n, **fields))
    return outcome.registration, (await tickets.issue(forum, outcome.registration)).code


async def open_scanner(page, live_server: str, slug: str, token: str) -> None:
    """The device link's button signs the browser in and lands on the scanner."""
    code = await device_code(token, slug)
    await page.goto(f"{live_server}/checkin/{slug}/device?code={code}")
    await page.get_by_role("button", name="Sign in as a scanner").click()
    await page.wait_for_url(f"**/checkin/{slug}")
    await page.wait_for_function(
        "slug => localStorage.getItem(`checkin:data:${slug}:entrance`) !== null", arg=slug
    )
    # and the service worker's copy is complete: the network may go
    await page.wait_for_function("() => document.querySelector('#scanner').dataset.offlineReady")


async def answered(page, result: str) -> None:
    """Waits until the lasting answer (the aria-live region) says `result`."""
    await page.wait_for_function(
        "r => document.querySelector('#answer').dataset.result === r", arg=result
    )


async def queued(page, count: int) -> None:
    """Waits until this many scans wait to sync on the device."""
    await page.wait_for_function(
        "n => document.querySelector('#scanner').dataset.queued === n", arg=str(count)
    )


async def test_a_fake_camera_shows_the_attendees_name(live_server, database, tmp_path):
    from playwright.async_api import async_playwright

    forum = await door_forum("camera")
    await attendee(forum, 2)  # someone else, so the page must find the right one
    person_, code = await attendee(forum, 1, name="Lin Mei-hua", name_local="林美華")
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    video = tmp_path / "ticket.y4m"
    write_y4m(video, qr.image(code, box_size=8))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await open_scanner(page, live_server, "camera", token)
        await page.click("#camera-toggle")
        answer = page.locator("#answer[data-result]")
        await answer.wait_for(timeout=15000)
        assert await answer.get_attribute("data-result") == "ok"
        assert "林美華" in await page.inner_text("#answer")
        assert "Lin Mei-hua" in await page.inner_text("#answer")
        await page.screenshot(path=str(ARTIFACTS / "scanner-camera.png"))
        await browser.close()
    assert errors == []
    result = await checkin_data(live_server, token, "camera")
    assert result["used"] == [person_.id]


async def checkin_data(live_server: str, token: str, slug: str) -> dict:
    async with httpx.AsyncClient(base_url=live_server) as client:
        response = await client.get(f"/api/forums/{slug}/checkin-data", headers=bearer(token))
    assert response.status_code == 200
    return response.json()


@pytest.fixture
async def door(live_server, page) -> tuple:
    forum = await door_forum("door")
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    return forum, token


async def test_offline_scan_is_judged_queued_and_synced_once(live_server, page, door):
    forum, token = door
    person_, code = await attendee(forum, 1, name="Wang Da-ming", name_local="王大明")
    await open_scanner(page, live_server, "door", token)
    await page.context.set_offline(True)
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    answer = page.locator("#answer[data-result]")
    await answer.wait_for()
    assert await answer.get_attribute("data-result") == "ok"
    assert await answer.get_attribute("data-offline") == "true"
    assert "王大明" in await page.inner_text("#answer")
    assert await page.get_attribute("#scanner", "data-queued") == "1"
    # the same badge again, still offline: this device remembers it
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await answered(page, "already_checked_in")
    assert await page.get_attribute("#scanner", "data-queued") == "1"
    await page.context.set_offline(False)
    await queued(page, 0)
    assert "1 synced" in await page.inner_text("#sync-status")
    data = await checkin_data(live_server, token, "door")
    assert data["used"] == [person_.id]
    rows = await Checkin.select(Checkin.registration, Checkin.manual, Checkin.undone_at)
    assert rows == [{"registration": person_.id, "manual": False, "undone_at": None}]
    # Chromium logs what it could not fetch while cut off (the favicon); nothing else may fail
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


async def test_a_hand_scanner_typing_a_forged_code_gets_red_unknown(live_server, page, door):
    forum, token = door
    _person, code = await attendee(forum, 1)
    forged = code[:60] + ("B" if code[60] == "A" else "A") + code[61:]
    await open_scanner(page, live_server, "door", token)
    await page.locator("h1").click()  # focus elsewhere: the wedge types into the page
    await page.keyboard.type(forged.lower())
    await page.keyboard.press("Enter")
    answer = page.locator("#answer[data-result]")
    await answer.wait_for()
    assert await answer.get_attribute("data-result") == "unknown"
    assert "red" in (await answer.get_attribute("class")).split()
    assert await page.is_visible("#overlay.red")
    await page.screenshot(path=str(ARTIFACTS / "scanner-refused.png"))
    # the answer stays for the queue to read, while the hand scanner stays ready
    await page.wait_for_timeout(3200)
    assert await page.is_visible("#overlay.red")
    assert await page.evaluate("document.activeElement.id") == "code"
    # the next badge replaces it
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    await answered(page, "ok")
    assert await page.is_visible("#overlay.ok")
    # and a tap sends it away
    await page.click("#overlay")
    assert await page.is_hidden("#overlay")
    assert page.console_errors == []


async def test_the_answer_stays_and_the_live_region_names_the_person_and_reason(
    live_server, page, door
):
    forum, token = door
    _person, code = await attendee(forum, 1, name="Chen Yi-ling", name_local="陳怡玲")
    await open_scanner(page, live_server, "door", token)
    await page.fill("#gate", "Gate A")
    for _ in range(2):
        await page.fill("#code", code)
        await page.press("#code", "Enter")
    await answered(page, "already_checked_in")
    live = page.locator("[aria-live]")
    assert await live.count() == 1
    assert await live.get_attribute("id") == "answer"
    text = await live.inner_text()
    rows = await Checkin.select(Checkin.scanned_at)
    at = time.local(rows[0]["scanned_at"], TZ).strftime("%H:%M")
    assert [line for line in text.splitlines() if line] == [
        "Already checked in",
        "Chen Yi-ling · 陳怡玲",
        "TFCF · Attendee",
        f"Checked in at {at}, Gate A, by door",
    ]
    # the Chinese name on this English page says its language, in the region and the overlay
    assert await page.get_attribute('#answer .who span[lang="zh-Hant-TW"]', "lang")
    assert await page.inner_text('#answer .who span[lang="zh-Hant-TW"]') == "陳怡玲"
    assert await page.get_attribute("#overlay .who-alt", "lang") == "zh-Hant-TW"
    assert await page.get_attribute("#overlay .who", "lang") is None  # the page's own
    await page.wait_for_timeout(3200)
    assert await page.is_visible("#overlay.amber")
    assert await page.inner_text("#overlay .who") == "Chen Yi-ling"
    await page.keyboard.press("Escape")
    assert await page.is_hidden("#overlay")
    assert await live.inner_text() == text  # the lasting answer stays below
    assert page.console_errors == []


async def test_sync_shows_what_the_server_settled(live_server, page, door):
    forum, token = door
    person_, code = await attendee(forum, 1, name="Wang Da-ming", name_local="王大明")
    await open_scanner(page, live_server, "door", token)
    # another door lets the same person in while this one has an older copy of the lists
    async with httpx.AsyncClient(base_url=live_server) as client:
        body = {"code": code, "gate": "Gate B"}
        response = await client.post("/api/forums/door/checkins", json=body, headers=bearer(token))
    assert response.json()["result"] == "ok"
    await page.context.set_offline(True)
    await page.fill("#gate", "Gate A")
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await queued(page, 1)
    assert await page.get_attribute("#answer", "data-result") == "ok"  # all it could know
    await page.context.set_offline(False)
    await queued(page, 0)
    status = await page.inner_text("#sync-status")
    assert "1 synced" in status
    at = clock(response.json()["checked_in_at"])
    assert f"Wang Da-ming was already checked in at {at}, Gate B" in status
    rows = await Checkin.select(Checkin.gate).where(Checkin.registration == person_.id)
    assert rows == [{"gate": "Gate B"}]


def clock(iso: str) -> str:
    """The wall-clock time of an ISO instant the API gave (in the forum's zone), 24-hour."""
    return dt.datetime.fromisoformat(iso).strftime("%H:%M")


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
async def test_times_are_the_forums_clock_in_24_hours(live_server, browser, door, lang):
    """A phone set to New York and a 12-hour clock still reads Taipei's 24-hour time."""
    forum, token = door
    _person, code = await attendee(forum, 1, name="Lin Mei-hua", name_local="林美華")
    context = await browser.new_context(
        viewport={"width": 360, "height": 780}, locale="en-US", timezone_id="America/New_York"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await open_scanner(page, live_server, "door", token)
    await page.goto(f"{live_server}/checkin/door?lang={lang}")
    await page.fill("#code", code)  # no gate named on this device
    await page.press("#code", "Enter")
    await answered(page, "ok")
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await answered(page, "already_checked_in")
    rows = await Checkin.select(Checkin.scanned_at)
    at = time.local(rows[0]["scanned_at"], TZ).strftime("%H:%M")
    reason = await page.inner_text("#answer .reason")
    expected = {"en": f"Checked in at {at}, by door", "zh-TW": f"已於 {at} 由 door 辦理報到"}
    assert reason == expected[lang]
    assert "–" not in await page.inner_text("#answer")
    await context.close()
    assert errors == []


async def test_search_check_in_by_hand_and_undo(live_server, page, door):
    forum, token = door
    person_, _code = await attendee(forum, 1, name="Chen Yi-ling", name_local="陳怡玲")
    await attendee(forum, 2, name="Someone Else")
    await open_scanner(page, live_server, "door", token)
    await page.fill("#search", "Chen")
    await page.press("#search", "Enter")
    row = page.locator("#results li", has_text="陳怡玲")
    await row.locator("button").click()
    await answered(page, "ok")
    assert "陳怡玲" in await page.inner_text("#answer")
    rows = await Checkin.select(Checkin.manual, Checkin.undone_at)
    assert rows == [{"manual": True, "undone_at": None}]
    await page.click("#overlay")  # a tap sends the answer away
    await page.click("#undo")
    await answered(page, "undone")
    undone = await Checkin.select(Checkin.registration, Checkin.undone_at)
    assert undone[0]["registration"] == person_.id and undone[0]["undone_at"] is not None
    assert page.console_errors == []


async def test_the_scanner_in_traditional_chinese(live_server, page, door):
    forum, token = door
    _person, code = await attendee(forum, 1, name="Lin Mei-hua", name_local="林美華")
    await open_scanner(page, live_server, "door", token)
    await page.goto(f"{live_server}/checkin/door?lang=zh-TW")
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await answered(page, "ok")
    assert await page.inner_text("#overlay .verdict") == "歡迎"
    assert await page.inner_text("#overlay .who") == "林美華"  # the reader's script first
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.click("#overlay")
    await page.screenshot(path=str(ARTIFACTS / "scanner-zh-TW.png"), full_page=True)
    assert page.console_errors == []


async def test_an_offline_scan_undone_before_sync_never_reaches_the_server(live_server, page, door):
    forum, token = door
    _person, code = await attendee(forum, 1)
    await open_scanner(page, live_server, "door", token)
    await page.context.set_offline(True)
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await queued(page, 1)
    await page.click("#overlay")  # a tap dismisses the answer at once
    await page.click("#undo")
    await answered(page, "undone")
    assert await page.get_attribute("#scanner", "data-queued") == "0"
    await page.context.set_offline(False)
    await page.wait_for_timeout(300)
    assert await Checkin.count() == 0


async def test_a_workshop_door_refuses_the_unbooked_offline(live_server, page, door):
    from tests.factories import make_session

    forum, token = door
    today = forum.starts_on
    workshop = await make_session(forum, "Soldering", kind="workshop", capacity=5, day=today)
    booked, booked_code = await attendee(forum, 1, name="Booked Person", session_ids=[workshop.id])
    _other, other_code = await attendee(forum, 2, name="Walk In")
    await open_scanner(page, live_server, "door", token)
    await page.select_option("#list", str(workshop.id))
    await page.wait_for_function(
        "id => localStorage.getItem(`checkin:data:door:${id}`) !== null", arg=str(workshop.id)
    )
    await page.context.set_offline(True)
    await page.fill("#code", other_code)
    await page.press("#code", "Enter")
    await answered(page, "not_booked")
    assert "amber" in (await page.get_attribute("#answer", "class")).split()
    await page.fill("#code", booked_code)
    await page.press("#code", "Enter")
    await answered(page, "ok")
    await page.context.set_offline(False)
    await queued(page, 0)
    rows = await Checkin.select(Checkin.registration, Checkin.session)
    assert rows == [{"registration": booked.id, "session": workshop.id}]


async def test_the_scanner_reloads_and_scans_with_no_network(live_server, page, door):
    """One online visit, then the network goes: a reload opens the scanner from its service
    worker, a valid code is let in and a forged one refused, and the scan syncs later."""
    forum, token = door
    person_, code = await attendee(forum, 1, name="Wang Da-ming", name_local="王大明")
    _other, other_code = await attendee(forum, 2)
    forged = other_code[:60] + ("B" if other_code[60] == "A" else "A") + other_code[61:]
    await open_scanner(page, live_server, "door", token)
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await page.context.set_offline(True)
    response = await page.reload()
    assert response is not None and response.status == 200
    assert response.from_service_worker
    await page.wait_for_function("() => document.querySelector('#scanner').dataset.ready")
    assert await page.inner_text("#net") == "Offline"
    await page.fill("#code", code)
    await page.press("#code", "Enter")
    await answered(page, "ok")
    assert await page.get_attribute("#answer", "data-offline") == "true"
    assert "王大明" in await page.inner_text("#answer")
    await page.fill("#code", forged)
    await page.press("#code", "Enter")
    await answered(page, "unknown")
    assert await page.get_attribute("#scanner", "data-queued") == "1"
    await page.screenshot(path=str(ARTIFACTS / "scanner-offline-reload.png"))
    await page.context.set_offline(False)
    await queued(page, 0)
    assert "1 synced" in await page.inner_text("#sync-status")
    rows = await Checkin.select(Checkin.registration, Checkin.undone_at)
    assert rows == [{"registration": person_.id, "undone_at": None}]
    # only what Chromium could not fetch while cut off may have failed; no script error
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


async def test_signing_out_clears_what_the_scanner_kept(live_server, page, door):
    _forum, token = door
    await open_scanner(page, live_server, "door", token)
    kept = "async () => (await caches.keys()).filter((n) => n.startsWith('checkin:'))"
    assert await page.evaluate("() => localStorage.getItem('checkin:data:door:entrance') !== null")
    assert await page.evaluate(kept) == ["checkin:/checkin/door"]
    await page.goto(f"{live_server}/logout")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(f"{live_server}/")
    assert await page.evaluate(kept) == []
    left = await page.evaluate("() => Object.keys(localStorage).filter((k) => k.includes(':door'))")
    assert left == []  # the people of the forum are gone (a queue of unsynced scans stays)
    registrations = await page.evaluate(
        "async () => (await navigator.serviceWorker.getRegistrations()).length"
    )
    assert registrations == 0
