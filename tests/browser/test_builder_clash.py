"""A session dragged into a clash snaps back; the "Not moved ... Move anyway" alert shows
beside the cell it was dropped on, on screen, focused and announced (role=alert)."""

from __future__ import annotations

import datetime as dt

import pytest

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_axe import Report
from tests.browser.test_builder import _sign_in
from tests.factories import DAY, make_forum, make_room, make_session, make_user

pytestmark = pytest.mark.browser

MOVE_ANYWAY = {"en": "Move anyway", "zh-TW": "仍要移動"}

ALERT_BESIDE_DROP = """([alertSel, cellSel]) => {
  const alert = document.querySelector(alertSel).getBoundingClientRect();
  const cell = document.querySelector(cellSel).getBoundingClientRect();
  return {
    alert: [alert.left, alert.top, alert.right, alert.bottom],
    cell: [cell.left, cell.top, cell.right, cell.bottom],
    view: [window.innerWidth, window.innerHeight],
    focused: document.activeElement.closest(alertSel) !== null,
  };
}"""


async def _drag(page, source: str, target: str, *, mouse: bool) -> None:
    """With the mouse, or (on a phone, where the page scrolls under a pressed mouse and
    Chromium drops the drag) as the drag events, once the drop cell is scrolled into view."""
    if mouse:
        await page.drag_and_drop(source, target)
        return
    await page.locator(target).scroll_into_view_if_needed()
    data = await page.evaluate_handle("() => new DataTransfer()")
    for selector, kind in ((source, "dragstart"), (target, "dragover"), (target, "drop")):
        await page.dispatch_event(selector, kind, {"dataTransfer": data})
    await page.dispatch_event(source, "dragend", {"dataTransfer": data})


@pytest.mark.parametrize(("width", "lang"), [(360, "en"), (360, "zh-TW"), (1366, "en")])
async def test_a_clash_is_shown_beside_the_drop_focused(live_server, browser, width, lang):
    slug = f"clash-{width}-{lang.lower()}"
    forum = await make_forum(slug)
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    talk = await make_session(forum, "Movable talk", room=hall, start="15:00", end="15:30")
    await make_session(forum, "Busy talk", room=side, start="16:00", end="17:00")
    await make_user(f"{slug}-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(viewport={"width": width, "height": 740})
    page = await context.new_page()
    errors: list[str] = []
    refused = "the server responded with a status of 409"  # the clash, answered on purpose
    page.on(
        "console", lambda m: m.type == "error" and refused not in m.text and errors.append(m.text)
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    await _sign_in(page, live_server, f"{slug}-org")
    await page.goto(f"{live_server}/manage/forums/{slug}/agenda?lang={lang}")
    # 15:45 in Side: free, but the 30-minute talk would run into the 16:00 one
    cell = f'td.slot.free[data-room="{side.id}"][data-start="15:45"]'
    await _drag(page, f'.placed[data-session="{talk.id}"]', cell, mouse=width > 1000)
    alert = "#grid .alert.clash"
    await page.wait_for_selector(alert)
    await page.wait_for_function("s => document.activeElement.closest(s)", arg=alert)
    assert await page.get_attribute(alert, "role") == "alert"
    box = await page.evaluate(ALERT_BESIDE_DROP, [alert, cell])
    left, top, right, bottom = box["alert"]
    cell_right, cell_bottom = box["cell"][2], box["cell"][3]
    view_w, view_h = box["view"]
    assert box["focused"]
    assert left >= 0 and right <= view_w and top >= 0 and bottom <= view_h  # on screen
    # beside the cell: just under it (or at its side), not at the top of the grid
    assert abs(top - cell_bottom) < 24 or (abs(left - cell_right) < 24 and top < cell_bottom)
    await page.screenshot(path=str(ARTIFACTS / f"builder-clash-{width}-{lang}.png"))
    row = await AgendaSession.objects().where(AgendaSession.id == talk.id).first()
    assert row.room == hall.id  # snapped back
    report = Report()
    await report.check(page, f"{width}px {lang} the builder's clash alert")
    assert report.failures == []

    await page.get_by_role("button", name=MOVE_ANYWAY[lang]).click()
    await page.wait_for_selector(f'td.taken[class*="slot"] .placed[data-session="{talk.id}"]')
    await page.wait_for_selector(alert, state="detached")
    row = await AgendaSession.objects().where(AgendaSession.id == talk.id).first()
    assert (row.room, row.starts_at) == (side.id, time.at(DAY, dt.time(15, 45), "Asia/Taipei"))
    assert errors == []
    await context.close()


async def test_escape_closes_the_clash_and_returns_to_the_session(live_server, browser):
    forum = await make_forum("clash-close")
    hall = await make_room(forum, "Hall")
    talk = await make_session(forum, "Movable talk", room=hall, start="09:00", end="09:30")
    await make_session(forum, "Busy talk", room=hall, start="10:00", end="11:00")
    await make_user("clash-close-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    await _sign_in(page, live_server, "clash-close-org")
    await page.goto(f"{live_server}/manage/forums/clash-close/agenda")
    # the Move form (no drag): the alert shows under the session that stayed
    card = f'.placed[data-session="{talk.id}"]'
    await page.click(f"{card} summary")
    await page.fill(f'form[data-move="{talk.id}"] [name="start"]', "09:45")
    await page.click(f'form[data-move="{talk.id}"] button[type=submit]')
    alert = "#grid .alert.clash.beside"
    await page.wait_for_function("s => document.activeElement.matches(s)", arg=alert)
    box = await page.evaluate(ALERT_BESIDE_DROP, [alert, card])
    assert abs(box["alert"][1] - box["cell"][3]) < 24
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#grid .alert.clash", state="detached")
    assert await page.evaluate("document.activeElement.textContent") == "Movable talk"
    # and the Close button does the same
    await page.drag_and_drop(card, 'td.slot.free[data-start="11:00"]')
    await page.wait_for_selector('td.taken >> text="11:00–11:30 · Talk"')
    await page.drag_and_drop(
        f'.placed[data-session="{talk.id}"]', 'td.slot.free[data-start="09:45"]'
    )
    await page.wait_for_function("s => document.activeElement.matches(s)", arg=alert)
    await page.get_by_role("button", name="Close").click()
    await page.wait_for_selector("#grid .alert.clash", state="detached")
    assert await page.evaluate("document.activeElement.textContent") == "Movable talk"
    assert await AgendaSession.count() == 2
    await context.close()
