import datetime as dt

import pytest

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.factories import (
    DAY,
    PASSWORD,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_user,
)

pytestmark = pytest.mark.browser


async def _sign_in(page, live_server, username):
    await page.goto(f"{live_server}/manage")
    assert "/login" in page.url
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(f"{live_server}/manage")


async def test_organizer_drags_a_session_and_adds_one_from_the_grid(live_server, browser):
    forum = await make_forum("grid-forum")
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    session = await make_session(forum, "Movable talk", room=hall, start="09:00", end="09:30")
    await make_speaker(forum, "Lin Chia-lung")
    await make_user("grid-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})  # a laptop
    page = await context.new_page()
    errors = []
    refused = "the server responded with a status of 409"  # the clash, answered on purpose
    page.on(
        "console", lambda m: m.type == "error" and refused not in m.text and errors.append(m.text)
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    await _sign_in(page, live_server, "grid-org")
    await page.goto(f"{live_server}/manage/forums/grid-forum/agenda")
    loads = []  # full page loads from here on: htmx swaps make none
    page.on("load", lambda: loads.append(page.url))
    await page.evaluate("window.builderMarker = 'still here'")
    source = f'.placed[data-session="{session.id}"]'
    target = f'td.slot.free[data-room="{side.id}"][data-start="11:00"]'
    await page.drag_and_drop(source, target)
    # htmx swaps the grid in place: the card now sits in the target column and row
    await page.wait_for_selector('td.taken >> text="11:00–11:30 · Talk"')
    await page.screenshot(path=str(ARTIFACTS / "builder-moved.png"))
    row = await AgendaSession.objects().where(AgendaSession.id == session.id).first()
    assert row.room == side.id
    assert row.starts_at == time.at(DAY, dt.time(11), "Asia/Taipei")

    # "+" in a free slot opens the quick form beside the grid, filled in with the slot.
    await page.click(f'td.slot.free[data-room="{side.id}"][data-start="10:00"] a.add')
    quick = page.locator("#quick form")
    await quick.wait_for()
    assert await quick.locator('[name="start"]').input_value() == "10:00"
    assert await quick.locator('[name="end"]').input_value() == "10:45"
    assert await quick.locator('[name="room_id"]').input_value() == str(side.id)
    # htmx moves the focus to the autofocus field once the swap settles (a moment later)
    await page.wait_for_function("document.activeElement.name === 'title'", timeout=5000)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(ARTIFACTS / "builder-quick-open.png"))
    await quick.locator('[name="title"]').fill("Quick panel")
    await quick.locator('[name="kind"]').select_option("panel")
    await quick.get_by_label("Lin Chia-lung").check()
    # Running into the moved talk: the clash shows as soon as the end changes...
    await quick.locator('[name="end"]').fill("11:15")
    await quick.locator('[name="end"]').dispatch_event("change")
    clash = "The room is already used by “Movable talk” at that time."
    await page.wait_for_selector(f'#quick #clashes li >> text="{clash}"')
    # ... and saving is refused: the form stays, with the box that accepts the clash.
    await quick.locator("button[type=submit]").click()
    accept = page.locator('#quick [name="allow_conflicts"]')
    await accept.wait_for()
    assert await AgendaSession.count() == 1
    await page.screenshot(path=str(ARTIFACTS / "builder-quick-clash.png"))
    await quick.locator('[name="end"]').fill("10:45")
    await quick.locator("button[type=submit]").click()
    await page.wait_for_selector('td.taken >> text="10:00–10:45 · Panel"')
    assert await page.locator("#quick form").count() == 0  # the panel closed with the swap
    await page.wait_for_selector('#grid .alert.ok >> text="Added “Quick panel”."')
    await page.wait_for_function("document.activeElement.textContent === 'Quick panel'")
    await page.screenshot(path=str(ARTIFACTS / "builder-quick-added.png"))
    added = await AgendaSession.objects().where(AgendaSession.title == "Quick panel").first()
    assert (added.kind, added.room, added.starts_at, added.ends_at) == (
        "panel",
        side.id,
        time.at(DAY, dt.time(10), "Asia/Taipei"),
        time.at(DAY, dt.time(10, 45), "Asia/Taipei"),
    )
    # No page load happened: the same document, the same address.
    assert loads == []
    assert await page.evaluate("window.builderMarker") == "still here"
    assert page.url == f"{live_server}/manage/forums/grid-forum/agenda"
    assert errors == []
    await context.close()


async def test_dropping_a_session_on_another_days_tab_moves_it_there(live_server, browser):
    forum = await make_forum("days-forum", ends_on=DAY + dt.timedelta(days=1))
    hall = await make_room(forum, "Hall")
    session = await make_session(forum, "Day-one talk", room=hall, start="09:00", end="09:30")
    await make_user("days-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    await _sign_in(page, live_server, "days-org")
    await page.goto(f"{live_server}/manage/forums/days-forum/agenda")
    second = (DAY + dt.timedelta(days=1)).isoformat()
    await page.drag_and_drop(
        f'.placed[data-session="{session.id}"]', f'nav.days a[data-day="{second}"]'
    )
    # The second day's grid comes back, with the talk at the same time in the same room.
    await page.wait_for_selector(f'nav.days a[data-day="{second}"][aria-current="page"]')
    await page.wait_for_selector('td.taken >> text="09:00–09:30 · Talk"')
    row = await AgendaSession.objects().where(AgendaSession.id == session.id).first()
    assert (row.room, row.starts_at) == (
        hall.id,
        time.at(DAY + dt.timedelta(days=1), dt.time(9), "Asia/Taipei"),
    )
    await context.close()


async def test_grid_move_form_works_without_javascript(live_server, browser):
    forum = await make_forum("nojs-forum")
    hall = await make_room(forum, "Hall")
    session = await make_session(forum, "Plain talk", room=hall, start="09:00", end="09:30")
    await make_user("nojs-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await _sign_in(page, live_server, "nojs-org")
    await page.goto(f"{live_server}/manage/forums/nojs-forum/agenda")
    await page.click(f'.placed[data-session="{session.id}"] summary')
    form = page.locator(f'form[data-move="{session.id}"]')
    await form.locator('input[name="start"]').fill("15:00")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector('td.taken >> text="15:00–15:30 · Talk"')
    row = await AgendaSession.objects().where(AgendaSession.id == session.id).first()
    assert row.starts_at == time.at(DAY, dt.time(15), "Asia/Taipei")
    await context.close()
