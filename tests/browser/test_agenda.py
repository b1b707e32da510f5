import pytest

from forum_mgmt import demo
from tests.browser.conftest import ARTIFACTS
from tests.factories import DAY

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "heading", "minister", "keynote"),
    [
        ("en", "Agenda", "Lin Chia-lung", "Keynote: Standing with the Children of Ukraine"),
        ("zh-TW", "議程", "林佳龍", "專題演講：與烏克蘭的孩子同行"),
    ],
)
async def test_agenda_page_in_chromium(live_server, page, lang, heading, minister, keynote):
    await demo.load(DAY)
    response = await page.goto(f"{live_server}/forums/ngo-leaders-forum-2026/agenda?lang={lang}")
    assert response.status == 200
    assert await page.get_attribute("html", "lang") == lang
    assert (await page.inner_text("h1")).strip() == heading
    body = await page.inner_text("main")
    assert minister in body
    assert keynote in body
    assert "Marco Chiesara" in body
    assert "WeWorld" in body
    # the stylesheet really applied: the track colour reached the session card
    border = await page.eval_on_selector(
        "article.kind-opening", "e => getComputedStyle(e).borderLeftColor"
    )
    assert border == "rgb(11, 92, 173)"
    await page.screenshot(path=str(ARTIFACTS / f"agenda-{lang}.png"), full_page=True)
    # the filter works without JavaScript: a plain GET form
    await page.select_option(
        "select[name=room]", label="202 工作坊教室" if lang != "en" else "Room 202 (Workshop)"
    )
    await page.click("form.filters button[type=submit]")
    titles = await page.locator("article.session .title").all_inner_texts()
    assert len(titles) == 1
    assert "Workshop" in titles[0] or "工作坊" in titles[0]
    assert page.console_errors == []


async def test_stars_without_a_ticket_live_in_the_browser(live_server, page):
    await demo.load(DAY)
    await page.goto(f"{live_server}/forums/ngo-leaders-forum-2026/agenda?lang=en")
    star = page.locator("article.kind-keynote button.star")
    assert await star.get_attribute("aria-pressed") == "false"
    await star.click()
    assert await star.get_attribute("aria-pressed") == "true"
    await page.reload()
    star = page.locator("article.kind-keynote button.star")
    assert await star.get_attribute("aria-pressed") == "true"
    assert page.console_errors == []
