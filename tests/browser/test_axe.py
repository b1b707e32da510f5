"""axe-core on every page, in both languages, on a phone and a laptop: no serious or
critical violation, for visitors, an attendee, door staff (the scanner idle and
answering) and an organizer.

The pages are the ones tests/browser/test_csp.py finds in the app's routes. axe is
vendored (tests/browser/axe/) and evaluated through the DevTools protocol, which the
pages' Content-Security-Policy does not govern: the pages are checked as served."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from forum_mgmt import demo
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from forum_mgmt.tickets import services as tickets
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_builder import _sign_in
from tests.browser.test_csp import _fill, _values, html_pages
from tests.checkin.helpers import device_code
from tests.factories import make_user
from tests.registration.helpers import person

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "axe" / "axe.min.js").read_text(encoding="utf-8")
FAILING = {"serious", "critical"}
HOLD_OVERLAY = """() => {
  const overlay = document.getElementById("overlay");
  overlay.hidden = false;
  Object.defineProperty(overlay, "hidden", {configurable: true, get: () => false, set: () => {}});
}"""
RELEASE_OVERLAY = """() => {
  const overlay = document.getElementById("overlay");
  delete overlay.hidden;
  overlay.hidden = true;
}"""
LANGS = ("en", "zh-TW")
# Every width in both languages: four walks (about 4 minutes on one core). AXE_ALL_WIDTHS=0
# checks each language at one width only (the phone for Chinese, where long labels wrap
# most, and the laptop for English), for a quick run by hand.
ALL_WIDTHS = os.environ.get("AXE_ALL_WIDTHS", "1") != "0"
RUNS = [(w, lang) for w in (360, 1366) for lang in LANGS]
DEFAULT_RUNS = [(1366, "en"), (360, "zh-TW")]


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    pages: int = 0

    async def check(self, page, label: str) -> None:
        """Runs axe on what the page shows now; notes each serious or critical violation."""
        if not await page.evaluate("typeof window.axe === 'object'"):
            await page.evaluate(AXE)
        result = await page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        self.pages += 1
        for v in result["violations"]:
            if v["impact"] not in FAILING:
                continue
            where = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            self.failures.append(f"{label}: {v['impact']} {v['id']} ({v['help']}) at {where}")


def _lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


async def _walk(page, base: str, urls: list[str], lang: str, width: int, report: Report) -> None:
    for url in urls:
        response = await page.goto(base + _lang(url, lang), wait_until="networkidle")
        assert (url, response.status) == (url, 200)
        await report.check(page, f"{width}px {lang} {url}")


async def _plan():
    """The demo forum, an attendee with a ticket, staff and an organizer; every page."""
    forum, _created = await demo.load()
    reg = (await registration.register(forum, person(1))).registration
    code = (await tickets.issue(forum, reg)).code
    organizer, _token = await make_user("axe-org", role=Role.ORGANIZER, forum=forum)
    await forums.join(await forums.ensure_organisation("mofa", name=""), organizer, Role.ORGANIZER)
    _staff, staff_token = await make_user("axe-door", role=Role.STAFF, forum=forum)
    values = await _values(forum, reg.token, reg.id)
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
    # An attendee's device holds a ticket (its page set that): the ticket pages, and the
    # pages that then differ (the session's Star, the agenda's stars).
    attendee = [u for u in public if u.startswith("/tickets/")]
    attendee += [u for u in public if "/sessions/" in u or u.endswith("/agenda")]
    visitor = [u for u in public if not u.startswith("/tickets/")]
    return forum, code, staff_token, visitor, attendee, door, manage


async def _scanner(page, base, forum, door, code, staff_token, lang, width, report) -> None:
    """The device link, the scanner idle, then answering a valid and a forged code."""
    links = [u for u in door if u.endswith("/device")]
    device = await device_code(staff_token, forum.slug)
    await _walk(page, base, [u + f"?code={device}" for u in links], lang, width, report)
    await page.click("form[action$='/device'] button[type=submit]")
    await page.wait_for_url(f"**/checkin/{forum.slug}*")
    await _walk(page, base, [u for u in door if u not in links], lang, width, report)
    await page.goto(f"{base}/checkin/{forum.slug}?lang={lang}", wait_until="networkidle")
    for scanned, what in ((code, "a valid"), (code[:-4] + "AAAA", "a forged")):
        await page.evaluate("delete document.querySelector('#answer').dataset.result")
        await page.fill("#code", scanned)
        await page.press("#code", "Enter")
        await page.locator("#answer[data-result]").wait_for()
        # The answer's overlay goes by itself within a second: held while axe looks.
        await page.evaluate(HOLD_OVERLAY)
        await report.check(page, f"{width}px {lang} the scanner answering {what} code")
        await page.evaluate(RELEASE_OVERLAY)


@pytest.mark.parametrize(("width", "lang"), RUNS, ids=[f"{w}px-{lang}" for w, lang in RUNS])
async def test_every_page_passes_axe(live_server, browser, width, lang):
    if not ALL_WIDTHS and (width, lang) not in DEFAULT_RUNS:
        pytest.skip("AXE_ALL_WIDTHS=0: each language at one width only")
    started = time.monotonic()
    forum, code, staff_token, visitor, attendee, door, manage = await _plan()
    report = Report()
    viewport = {"width": width, "height": 800}

    for urls in (visitor, attendee):
        context = await browser.new_context(viewport=viewport)
        page = await context.new_page()
        await _walk(page, live_server, urls, lang, width, report)
        await context.close()

    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await _scanner(page, live_server, forum, door, code, staff_token, lang, width, report)
    await context.close()

    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await _sign_in(page, live_server, "axe-org")
    await _walk(page, live_server, manage, lang, width, report)
    await context.close()

    seconds = time.monotonic() - started
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{width}-{lang}.txt").write_text(
        f"{report.pages} checks in {seconds:.0f} s\n" + "\n".join(report.failures) + "\n"
    )
    assert report.failures == []


async def test_the_check_sees_a_violation(live_server, browser):
    """The walk above can fail: grey on grey and a field without a label are reported."""
    await demo.load()
    context = await browser.new_context(viewport={"width": 360, "height": 800})
    page = await context.new_page()
    await page.goto(f"{live_server}/forums/{demo.SLUG}", wait_until="networkidle")
    await page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.textContent = "faint";
          p.style.color = "#ccc";
          const input = document.createElement("input");
          document.querySelector("main").append(p, input);
        }"""
    )
    report = Report()
    await report.check(page, "spoilt")
    await context.close()
    found = " ".join(report.failures)
    assert "serious color-contrast" in found and "critical label" in found, found


@pytest.mark.parametrize(("lang", "label"), [("en", "☆ Star"), ("zh-TW", "☆ 加星號")])
async def test_the_session_pages_star_fits_a_phone_on_one_line(live_server, browser, lang, label):
    forum, _created = await demo.load()
    session = (
        await AgendaSession.select(AgendaSession.id)
        .where((AgendaSession.forum == forum.id) & (AgendaSession.kind != "break"))
        .first()
    )
    context = await browser.new_context(viewport={"width": 360, "height": 800})
    page = await context.new_page()
    url = f"{live_server}/forums/{demo.SLUG}/sessions/{session['id']}?lang={lang}"
    await page.goto(url, wait_until="networkidle")
    star = page.locator("button.star")
    assert (await star.inner_text()).strip() == label
    box = await star.bounding_box()
    lines = await star.evaluate(
        """b => {
          const range = document.createRange();
          range.selectNodeContents(b);
          return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
        }"""
    )
    assert lines == 1
    assert box["x"] + box["width"] <= 360
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.evaluate(AXE)
    contrast = await page.evaluate(
        """() => axe.run("button.star", {runOnly: ["color-contrast"]}).then(r => [
          r.violations.length, r.passes.length])"""
    )
    assert contrast == [0, 1]  # checked, and above 4.5:1
    await page.screenshot(path=str(ARTIFACTS / f"session-star-360-{lang}.png"), full_page=True)
    await context.close()
