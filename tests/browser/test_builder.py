import datetime as dt

import pytest

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.factories import DAY, PASSWORD, make_forum, make_room, make_session, make_user

pytestmark = pytest.mark.browser


async def _sign_in(page, live_server, username):
    await page.goto(f"{live_server}/manage")
    assert "/login" in page.url
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(f"{live_server}/manage")


async def test_organizer_drags_a_session_to_another_room_and_time(live_server, browser):
    forum = await make_forum("grid-forum")
    hall, side = await make_room(forum, "Hall"), await make_room(forum, "Side")
    session = await make_session(forum, "Movable talk", room=hall, start="09:00", end="09:30")
    await make_user("grid-org", role=Role.ORGANIZER, forum=forum)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, "grid-org")
    await page.goto(f"{live_server}/manage/forums/grid-forum/agenda")
    source = f'.placed[data-session="{session.id}"]'
    target = f'td.slot.free[data-room="{side.id}"][data-start="11:00"]'
    await page.drag_and_drop(source, target)
    # htmx swaps the grid in place: the card now sits in the target column and row
    await page.wait_for_selector('td.taken >> text="11:00–11:30 · Talk"')
    await page.screenshot(path=str(ARTIFACTS / "builder-moved.png"))
    row = await AgendaSession.objects().where(AgendaSession.id == session.id).first()
    assert row.room == side.id
    assert row.starts_at == time.at(DAY, dt.time(11), "Asia/Taipei")
    assert errors == []
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
