"""Every page of the demo forum in Chromium, under the real Content-Security-Policy: no
violation and no page error, for visitors, an attendee, door staff and an organizer.

The pages come from the app's own routes, so a new page is walked without editing this
file; a route with a path parameter this file cannot fill fails the test instead."""

from __future__ import annotations

import re

import pytest
from piccolo.apps.user.tables import BaseUser

from forum_mgmt import demo
from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker, Track
from forum_mgmt.agenda.workspace.items import KINDS
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Organisation, Role
from forum_mgmt.invitations import services as invitations
from forum_mgmt.notices import services as notices
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from forum_mgmt.teams import services as team_services
from tests.browser.test_builder import _sign_in
from tests.checkin.helpers import device_code
from tests.factories import make_user
from tests.invitations.helpers import links as invitation_links
from tests.registration.helpers import person
from tests.teams.helpers import link_in_mail as team_link

pytestmark = pytest.mark.browser

# Chromium logs its own "Refused to ... Content Security Policy" line; the event also
# reaches the page, where this reports it with the directive and what was blocked.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}`
));
"""
NOT_PAGES = {"/forums/{slug:str}/my-stars"}  # JSON for static/stars.js, outside /api
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def html_pages() -> list[str]:
    """The paths of every GET route that answers with a page (not the API, files, schema)."""
    from forum_mgmt.app import create_app

    paths = set()
    for route in create_app().routes:
        path = route.path
        if "GET" not in (route.methods or ()) or path.startswith(("/api/", "/static", "/schema")):
            continue
        if path in {"/healthz", *NOT_PAGES} or "." in path.rsplit("/", 1)[-1]:  # qr.svg, ...
            continue
        paths.add(path)
    return sorted(paths)


# Routes whose parameter names another secret than the ticket's: (the path's start, the
# parameter) -> the key of `_values` that fills it.
OWN_VALUES = {
    ("/invitations/", "token"): "guest_token",
    ("/team-invitation/", "token"): "team_token",
    ("/forums/{slug:str}/group/", "code"): "group_code",
    ("/notices/", "ref"): "notice_ref",
    ("/notices/", "sig"): "notice_sig",
}


async def _invitations(forum) -> dict[str, list[str]]:
    """A guest's invitation link, a colleague's team invitation link and a group code."""
    categories = await registration.ensure_categories(forum)
    guests = next(c for c in categories if not c.public)
    await invitations.invite(
        forum, guests, name="Guest", email="guest@example.org", options=invitations.Options()
    )
    inviter = await BaseUser.objects().first()
    await team_services.invite(
        team_services.Team(forum=forum),
        email="colleague@example.org",
        role=Role.STAFF,
        language="en",
        by=inviter,
    )
    code = await invitations.create_code(forum, guests, label="Delegation", max_uses=3)
    return {
        "guest_token": [(await invitation_links("guest@example.org"))["guest@example.org"]],
        "team_token": [(await team_link("colleague@example.org")).rsplit("/", 1)[-1]],
        "group_code": [code.code],
        "org": [(await Organisation.objects().get(Organisation.id == forum.organisation)).slug],
    }


async def _values(forum, token: str, registration_id: int) -> dict[str, list[str]]:
    async def first_id(table) -> str:
        row = await table.select(table.id).where(table.forum == forum.id).first()
        return str(row["id"])

    session = await first_id(AgendaSession)
    person = notices.Person("r", registration_id)  # an attendee's opt-out link
    return {
        **await _invitations(forum),
        "notice_ref": [person.ref],
        "notice_sig": [notices.signature(forum, person)],
        "slug": [forum.slug],
        "token": [token],
        "ref": [session],
        "session_id": [session],
        "speaker_id": [await first_id(Speaker)],
        "registration_id": [str(registration_id)],
        "kind": sorted(KINDS),
        "rooms": [await first_id(Room)],
        "tracks": [await first_id(Track)],
        "speakers": [await first_id(Speaker)],
    }


def _fill(path: str, values: dict[str, list[str]]) -> list[str]:
    """The addresses of one route: {kind} gives one page per kind, {item_id} its first item."""
    urls = [path]
    for name in _PARAM.findall(path):
        if name == "item_id":
            continue
        own = next(
            (v for (start, n), v in OWN_VALUES.items() if path.startswith(start) and n == name),
            None,
        )
        if own is not None:
            urls = [re.sub(r"\{" + name + r"(?::\w+)?\}", values[own][0], u) for u in urls]
            continue
        if name not in values:
            pytest.fail(f"{path}: teach test_csp.py a value for {{{name}}}")
        pattern = re.compile(r"\{" + name + r"(?::\w+)?\}")
        urls = [pattern.sub(v, u) for u in urls for v in values[name]]
    for kind in KINDS:
        urls = [
            re.sub(r"\{item_id(?::\w+)?\}", values[kind][0], u) if f"/{kind}/" in u else u
            for u in urls
        ]
    return urls


async def _context(browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(REPORT_VIOLATIONS)
    page = await context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"{m.location.get('url')}: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    return context, page, problems


async def _walk(page, base: str, urls: list[str]) -> list[str]:
    opened = []
    for url in urls:
        response = await page.goto(base + url, wait_until="networkidle")
        kind = response.headers["content-type"]
        assert (url, response.status, kind) == (url, 200, "text/html; charset=utf-8")
        opened.append(url)
    return opened


async def test_every_page_runs_under_the_csp_without_a_violation(live_server, browser):
    forum, _created = await demo.load()
    reg = (await registration.register(forum, person(1))).registration
    organizer, _token = await make_user("csp-org", role=Role.ORGANIZER, forum=forum)
    await forums.join(await forums.ensure_organisation("mofa", name=""), organizer, Role.ORGANIZER)
    _staff, staff_token = await make_user("csp-door", role=Role.STAFF, forum=forum)
    values = await _values(forum, reg.token, reg.id)
    # One sign-up held for its email link, for the confirmation page (this object only).
    forum.confirm_email = True
    await registration.register(forum, person(2))
    forum.confirm_email = False
    held = await Registration.objects().get(Registration.email == person(2).email)
    values["code"] = [held.confirm_code]
    pages = html_pages()
    manage = [u for p in pages if p.startswith("/manage") for u in _fill(p, values)]
    door = [u for p in pages if p.startswith("/checkin/") for u in _fill(p, values)]
    others = [p for p in pages if not p.startswith(("/manage", "/checkin/"))]
    public = [u for p in others for u in _fill(p, values)]
    assert {"/", f"/forums/{forum.slug}/agenda", f"/tickets/{reg.token}/cancel"} <= set(public)
    assert f"/manage/forums/{forum.slug}/agenda" in manage

    # A visitor, then an attendee (the ticket page first: the device then holds the ticket).
    context, page, problems = await _context(browser)
    tickets = [u for u in public if u.startswith("/tickets/")]
    await _walk(page, live_server, tickets + [u for u in public if u not in tickets])
    await context.close()

    # Door staff: the device link signs the browser in and lands on the scanner.
    context, page, door_problems = await _context(browser)
    links = [u for u in door if u.endswith("/device")]
    code = await device_code(staff_token, forum.slug)
    assert len(await _walk(page, live_server, [u + f"?code={code}" for u in links])) == 1
    await page.get_by_role("button", name="Sign in as a scanner").click()
    await page.wait_for_url(f"**/checkin/{forum.slug}")
    assert len(await _walk(page, live_server, [u for u in door if u not in links])) == 1
    await context.close()

    # The organizer's workspace, every page.
    context, page, org_problems = await _context(browser)
    await _sign_in(page, live_server, "csp-org")
    await _walk(page, live_server, manage)
    # A device link (made by a POST, so not in the walk): its QR is drawn inline.
    await page.goto(f"{live_server}/manage/tokens", wait_until="networkidle")
    await page.get_by_role("button", name="Make device link").first.click()
    await page.wait_for_selector(".device-qr svg")
    await context.close()

    assert problems + door_problems + org_problems == []


async def test_an_inline_script_is_refused_and_reported(live_server, browser):
    """The check above can fail: a script written into a page is blocked and seen."""
    await demo.load()
    context, page, problems = await _context(browser)
    await page.goto(f"{live_server}/forums/{demo.SLUG}", wait_until="networkidle")
    await page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.inlineRan = true";
          document.head.append(s);
        }"""
    )
    await page.wait_for_timeout(200)
    assert await page.evaluate("window.inlineRan") is None
    assert any("CSP violation: script-src-elem blocked inline" in p for p in problems), problems
    assert any("Content Security Policy" in p for p in problems), problems
    await context.close()
