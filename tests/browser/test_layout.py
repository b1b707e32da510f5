"""The workspace fits its screens: on a phone the agenda builder scrolls inside its grid, not
the page, and the header keeps each link on one line; on a laptop "Sign out" is on screen."""

import pytest

from forum_mgmt.forums.tables import Role
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.factories import make_forum, make_room, make_session, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
# every link of the site's header: one line box each, and the header one row high
HEADER = """() => {
  const header = document.querySelector('header.site');
  const links = [...header.querySelectorAll('a, strong')].map(a => ({
    text: a.textContent.trim(), lines: a.getClientRects().length,
    height: Math.round(a.getBoundingClientRect().height)}));
  return {height: Math.round(header.getBoundingClientRect().height), links};
}"""
SIGN_OUT = """() => {
  const r = document.querySelector('a[href="/logout"]').getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
}"""


async def _forum():
    forum = await make_forum("wide-forum")
    rooms = [
        await make_room(forum, name, name_local=local)
        for name, local in (
            ("Main Hall", "國際會議廳"),
            ("Room 201", "201 會議室"),
            ("Room 202", "202"),
        )
    ]
    for room in rooms:
        await make_session(forum, f"Talk in {room.name}", room=room)
    await make_user("wide", role=Role.ORGANIZER, forum=forum)
    return forum


async def _open(browser, live_server, viewport, lang: str):
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await _sign_in(page, live_server, "wide")
    await page.goto(f"{live_server}/manage/forums/wide-forum/agenda?lang={lang}")
    return context, page


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
async def test_on_a_phone_the_builder_scrolls_inside_its_grid(live_server, browser, lang):
    await _forum()
    context, page = await _open(browser, live_server, PHONE, lang)
    widths = await page.evaluate(
        """() => ({page: document.documentElement.scrollWidth, view: innerWidth,
                   grid: document.querySelector('.grid-scroll').scrollWidth,
                   box: document.querySelector('.grid-scroll').clientWidth})"""
    )
    await page.screenshot(path=str(ARTIFACTS / f"builder-phone-{lang}.png"))
    assert widths["page"] == widths["view"] == 360, widths
    assert widths["grid"] > widths["box"], widths  # three rooms: the grid itself scrolls
    header = await page.evaluate(HEADER)
    assert [link for link in header["links"] if link["lines"] != 1] == [], header
    assert header["height"] < 60, header  # one row: brand, Workspace and the languages
    # the way out is on screen, the forum's pages scroll sideways in their own row
    sign_out = await page.evaluate(SIGN_OUT)
    assert sign_out["left"] >= 0 and sign_out["right"] <= 360 and sign_out["bottom"] <= 740
    await context.close()


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
async def test_on_a_laptop_sign_out_is_on_screen(live_server, browser, lang):
    await _forum()
    context, page = await _open(browser, live_server, LAPTOP, lang)
    for url in ("/manage/forums/wide-forum/agenda", "/manage/forums/wide-forum", "/manage"):
        await page.goto(f"{live_server}{url}?lang={lang}")
        sign_out = await page.evaluate(SIGN_OUT)
        assert sign_out["width"] > 0, url
        assert sign_out["left"] >= 0 and sign_out["right"] <= 1366, (url, sign_out)
        assert sign_out["top"] >= 0 and sign_out["bottom"] <= 768, (url, sign_out)
        assert await page.evaluate("document.documentElement.scrollWidth") == 1366, url
        # the element at its centre is the link itself: not covered, not scrolled away
        hit = await page.evaluate(
            """([x, y]) => document.elementFromPoint(x, y)?.getAttribute('href')""",
            [
                (sign_out["left"] + sign_out["right"]) / 2,
                (sign_out["top"] + sign_out["bottom"]) / 2,
            ],
        )
        assert hit == "/logout", url
    await page.goto(f"{live_server}/manage/forums/wide-forum/agenda?lang={lang}")
    await page.screenshot(path=str(ARTIFACTS / f"builder-laptop-{lang}.png"))
    await context.close()
