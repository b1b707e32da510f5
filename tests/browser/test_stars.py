"""Stars on the (shared, cached) agenda page reach the ticket of the device that holds one."""

import asyncio

import httpx
import icalendar
import pytest

from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import DeviceStar, Star
from tests.factories import make_forum, make_session
from tests.registration.helpers import person

pytestmark = pytest.mark.browser


async def _forum():
    forum = await make_forum("starry")
    keynote = await make_session(forum, "Keynote 專題", kind="keynote", start="09:00", end="10:00")
    panel = await make_session(forum, "Panel 座談", kind="panel", start="10:30", end="11:30")
    outcome = await registration.register(forum, person(1))
    return outcome.registration, keynote, panel


async def _stars(reg) -> list[int]:
    rows = await Star.select(Star.session).where(Star.registration == reg.id)
    return sorted(r["session"] for r in rows)


async def _feed(live_server, token) -> list[str]:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{live_server}/tickets/{token}/agenda.ics")
    assert response.status_code == 200
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.text).events)


async def _device_stars(expected: int) -> int:
    """DeviceStar rows once the page's report landed (it is sent without waiting)."""
    for _ in range(50):
        count = await DeviceStar.count()
        if count == expected:
            break
        await asyncio.sleep(0.1)
    return count


def _star(page, kind):
    return page.locator(f"article.kind-{kind} button.star")


async def test_a_device_with_a_ticket_stars_on_the_agenda_page(live_server, page):
    reg, _keynote, panel = await _forum()
    assert (await page.goto(f"{live_server}/tickets/{reg.token}")).status == 200
    await page.goto(f"{live_server}/forums/starry/agenda?lang=en")
    await page.wait_for_selector("html[data-stars=ticket]")
    star = _star(page, "panel")
    assert await star.get_attribute("aria-pressed") == "false"
    async with page.expect_response(
        lambda r: r.url.endswith("/my-stars") and r.request.method == "POST"
    ) as answer:
        await star.click()
    assert (await answer.value).status == 200
    assert await star.get_attribute("aria-pressed") == "true"
    assert await _stars(reg) == [panel.id]
    # kept on the ticket, not in the browser
    assert await page.evaluate("localStorage.getItem('stars:starry')") is None
    await page.reload()
    await page.wait_for_selector("html[data-stars=ticket]")
    assert await _star(page, "panel").get_attribute("aria-pressed") == "true"
    assert await _star(page, "keynote").get_attribute("aria-pressed") == "false"
    assert await _feed(live_server, reg.token) == ["Panel 座談"]
    # and off again
    async with page.expect_response(lambda r: r.url.endswith("/my-stars")):
        await _star(page, "panel").click()
    assert await _star(page, "panel").get_attribute("aria-pressed") == "false"
    assert await _stars(reg) == []
    assert await _feed(live_server, reg.token) == []
    assert page.console_errors == []


async def test_a_star_the_ticket_did_not_take_is_put_back(live_server, page):
    reg, _keynote, _panel = await _forum()
    await page.goto(f"{live_server}/tickets/{reg.token}")
    await page.goto(f"{live_server}/forums/starry/agenda?lang=en")
    await page.wait_for_selector("html[data-stars=ticket]")

    async def refuse(route):
        if route.request.method == "POST":
            await route.fulfill(status=503, json={"error": "unavailable", "message": "later"})
        else:
            await route.continue_()

    await page.route("**/my-stars", refuse)
    star = _star(page, "keynote")
    async with page.expect_response(lambda r: r.url.endswith("/my-stars")):
        await star.click()
    await page.wait_for_selector("article.kind-keynote button.star:not([aria-busy])")
    assert await star.get_attribute("aria-pressed") == "false"
    assert await page.evaluate("localStorage.getItem('stars:starry')") is None
    assert await _stars(reg) == []
    assert [e for e in page.console_errors if "status of 503" not in e] == []


async def test_browser_stars_move_onto_the_ticket_on_first_load(live_server, page):
    reg, keynote, _panel = await _forum()
    await page.goto(f"{live_server}/forums/starry/agenda?lang=en")
    await page.wait_for_selector("html[data-stars=browser]")
    await _star(page, "keynote").click()  # no ticket yet: kept in the browser
    assert await page.evaluate("localStorage.getItem('stars:starry')") == f'["{keynote.id}"]'
    assert await _stars(reg) == []
    # counted once for this device in the session's expected audience, however often
    assert await _device_stars(1) == 1
    await page.reload()
    await page.wait_for_selector("html[data-stars=browser]")
    for _ in range(2):
        await _star(page, "keynote").click()
    assert await _device_stars(2) == 1  # waits for a second row that never comes
    # a star on a session no longer on the agenda is dropped, not kept forever
    await page.evaluate(f"localStorage.setItem('stars:starry', '[\"{keynote.id}\", \"999999\"]')")
    await page.goto(f"{live_server}/tickets/{reg.token}")  # the device now holds the ticket
    await page.goto(f"{live_server}/forums/starry/agenda?lang=en")
    await page.wait_for_selector("html[data-stars=ticket]")
    assert await _stars(reg) == [keynote.id]
    assert await page.evaluate("localStorage.getItem('stars:starry')") is None
    assert await _star(page, "keynote").get_attribute("aria-pressed") == "true"
    assert await _star(page, "panel").get_attribute("aria-pressed") == "false"
    assert await _feed(live_server, reg.token) == ["Keynote 專題"]
    assert await _device_stars(0) == 0  # now counted on the ticket, not twice
    # the session page, which keeps stars with a form, shows the ticket's star too
    await page.goto(f"{live_server}/forums/starry/sessions/{keynote.id}?lang=en")
    assert "Starred: in my calendar" in await page.inner_text("main")
    # the 404 for the session that is gone is the only error Chromium logs
    assert [e for e in page.console_errors if "status of 404" not in e] == []


async def test_without_network_the_browser_keeps_the_stars(live_server, page):
    reg, keynote, _panel = await _forum()
    await page.goto(f"{live_server}/tickets/{reg.token}")
    await page.route("**/my-stars", lambda route: route.abort())
    await page.goto(f"{live_server}/forums/starry/agenda?lang=en")
    await page.wait_for_selector("html[data-stars=browser]")
    star = _star(page, "keynote")
    await star.click()
    assert await star.get_attribute("aria-pressed") == "true"
    assert await page.evaluate("localStorage.getItem('stars:starry')") == f'["{keynote.id}"]'
    assert await _stars(reg) == []
