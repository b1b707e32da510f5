"""Issue 16's journey in Chromium, on one forum with one organizer: a colleague invited as
staff accepts and lands on the scanner (team_steps.py); then three guests invited
from a CSV into an invitation-only category: one registers through the link, one declines,
and the workspace shows each invitation's state."""

import re

import pytest

from forum_mgmt.forums.tables import Role
from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.registration.tables import Registration
from tests.browser.conftest import ARTIFACTS
from tests.browser.team_steps import colleague_joins_as_staff
from tests.browser.test_builder import _sign_in
from tests.factories import TODAY, make_forum, make_user
from tests.invitations.helpers import links

pytestmark = pytest.mark.browser

CSV = (
    "name,email,language\n"
    "林佳龍,lin@example.org,zh-TW\n"
    "Marco Chiesara,marco@example.org,en\n"
    "Amina Diallo,amina@example.org,\n"
)


async def _states(page) -> dict[str, str]:
    found = {}
    for card in await page.query_selector_all("ul.invitations li.card"):
        email = (await (await card.query_selector(".who .alt")).inner_text()).strip()
        found[email] = (await (await card.query_selector(".badge")).inner_text()).strip()
    return found


async def test_an_organizer_builds_the_team_and_invites_guests(live_server, browser, tmp_path):
    forum = await make_forum(
        "invited",
        name="NGO Leaders Forum",
        name_local="NGO領袖論壇",
        starts_on=TODAY,
        ends_on=TODAY,
    )
    await make_user("host", role=Role.ORGANIZER, forum=forum)
    await colleague_joins_as_staff(live_server, browser, "invited", "host")

    organizer = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await organizer.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    await _sign_in(page, live_server, "host")

    await page.goto(f"{live_server}/manage/forums/invited")
    await page.click("nav.workspace >> text=Invitations")
    csv = tmp_path / "guests.csv"
    csv.write_bytes(CSV.encode("utf-8-sig"))
    await page.set_input_files("#c-file", str(csv))
    await page.select_option("#c-category", label="VIP — invitation only")
    await page.click("text=Send the invitations")
    await page.wait_for_selector("text=3 invitations sent.")
    assert await _states(page) == {
        "lin@example.org": "Sent",
        "marco@example.org": "Sent",
        "amina@example.org": "Sent",
    }
    tokens = await links()

    # Lin registers through the link, in Chinese: the form is filled in already.
    guest = await browser.new_context(viewport={"width": 390, "height": 844})
    lin = await guest.new_page()
    await lin.goto(f"{live_server}/invitations/{tokens['lin@example.org']}?lang=zh-TW")
    assert await lin.input_value("#name") == "林佳龍"
    assert await lin.input_value("#email") == "lin@example.org"
    assert "貴賓" in await lin.inner_text("main")
    await lin.check("#consent")
    await lin.click("form.stack button.primary")
    await lin.wait_for_url(re.compile(r".*/tickets/.+"))
    await guest.close()

    # Marco declines from his link.
    other = await browser.new_context(viewport={"width": 390, "height": 844})
    marco = await other.new_page()
    await marco.goto(f"{live_server}/invitations/{tokens['marco@example.org']}")
    await marco.click("text=Decline the invitation")
    await marco.wait_for_selector("h1 >> text=Invitation declined")
    await other.close()

    await page.reload()
    assert await _states(page) == {
        "lin@example.org": "Has registered",
        "marco@example.org": "Declined",
        "amina@example.org": "Sent",
    }
    registered = await Registration.objects().where(Registration.forum == forum.id)
    vip = (await Invitation.objects().where(Invitation.email == "lin@example.org").first()).category
    assert [(r.email, r.category, r.status) for r in registered] == [
        ("lin@example.org", vip, "confirmed")
    ]
    await page.screenshot(path=str(ARTIFACTS / "invitations.png"), full_page=True)
    assert errors == []
    await organizer.close()
