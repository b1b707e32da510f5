"""A phone-sized run through the registration form, in both languages, to the ticket page."""

import pytest

from forum_mgmt.registration.tables import Registration
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_forum

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "submit", "consent_error", "status", "country"),
    [
        ("en", "Register", "Registration needs your consent", "Confirmed", "Taiwan"),
        ("zh-TW", "報名", "報名前請先同意隱私權聲明", "報名成功", "臺灣"),
    ],
)
async def test_register_on_a_phone_and_land_on_the_ticket(
    live_server, page, lang, submit, consent_error, status, country
):
    await make_forum(f"phone-{lang.lower()}", capacity=10)
    response = await page.goto(f"{live_server}/forums/phone-{lang.lower()}/register?lang={lang}")
    assert response.status == 200
    assert await page.get_attribute("html", "lang") == lang
    await page.fill("#email", f"phone-{lang}@example.org")
    await page.fill("#name", "Lin Mei-hua")
    await page.fill("#name_local", "林美華")
    await page.fill("#organization", "TFCF")
    await page.select_option("#country", label=country)
    # first without consent: the error sits next to the field and what was typed stays
    await page.click(f"form.stack button[type=submit]:has-text('{submit}')")
    assert consent_error in await page.inner_text("#consent-error")
    assert await page.input_value("#name_local") == "林美華"
    assert await page.input_value("#country") == "TW"
    await page.check("#consent")
    await page.click(f"form.stack button[type=submit]:has-text('{submit}')")
    await page.wait_for_url("**/tickets/**")
    assert status in await page.inner_text(".status-box")
    assert "林美華" in await page.inner_text("main")
    # the form fits a phone: nothing wider than the screen
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.screenshot(path=str(ARTIFACTS / f"ticket-{lang}.png"), full_page=True)
    row = await Registration.objects().get(
        Registration.email == f"phone-{lang.lower()}@example.org"
    )
    assert (row.status, row.language, row.country) == ("confirmed", lang, "TW")
    # the refused first attempt answered 422, which Chromium logs; nothing else may fail
    assert [e for e in page.console_errors if "status of 422" not in e] == []


async def test_organizer_moves_someone_up_from_the_waiting_list(live_server, page):
    from forum_mgmt.forums.tables import Role
    from forum_mgmt.registration import services
    from tests.factories import PASSWORD, make_user
    from tests.registration.helpers import person

    forum = await make_forum("desk", capacity=1)
    await services.register(forum, person(1, name="Wang Da-ming", name_local="王大明"))
    waiting = (await services.register(forum, person(2))).registration
    await make_user("desk-organizer", role=Role.ORGANIZER, forum=forum)
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_server}/login?next=/manage/forums/desk/registrations")
    await page.fill("#username", "desk-organizer")
    await page.fill("#password", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url("**/manage/forums/desk/registrations")
    assert "王大明" in await page.inner_text("table.list")
    await page.screenshot(path=str(ARTIFACTS / "registrations-manage.png"), full_page=True)
    # free the seat, then the waiting person has already been moved up by the cancel
    row = page.locator("tr", has_text="person1@example.org")
    await row.locator("button", has_text="Cancel").click()
    await page.wait_for_url("**/manage/forums/desk/registrations*")
    fresh = await Registration.objects().get(Registration.id == waiting.id)
    assert fresh.status == "confirmed"
    assert page.console_errors == []
