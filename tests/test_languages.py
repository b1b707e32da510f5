"""Read every page like a person who reads only Traditional Chinese, then only English.

The demo forum, with an attendee, a door staff member and an organizer, walked page by page
(public, attendee, scanner, organizer) with ?lang=zh-TW: any run of Latin letters fails
unless it is
- content entered in Latin only, taken from the database itself: a column without a
  second-language twin (e-mail addresses, codes, slugs, usernames, organisations), or the
  Chinese twin's own Latin ("NGO"), or the first-language text of a twin left empty;
- the other language of a name shown beside it (`shown(..., both=True)`'s `.alt` span);
- interface text the translator wrote with Latin in it (acronyms such as QR and PDF, the
  column codes of a spreadsheet): the zh-TW catalogue's messages are taken out first;
- an e-mail address or a URL.
The same walk in English fails on any Han character that is not database content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from litestar.routes import HTTPRoute

from forum_mgmt import demo
from forum_mgmt.agenda.services import spreadsheet
from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker, Track
from forum_mgmt.core import i18n, time
from forum_mgmt.core.db import engine
from forum_mgmt.forums.tables import Forum
from forum_mgmt.invitations import services as invitations
from forum_mgmt.invitations.tables import GroupCode
from forum_mgmt.notices import services as notices
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from forum_mgmt.tickets import services as tickets
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_user
from tests.invitations.helpers import links as invitation_links
from tests.registration.helpers import person

SLUG = demo.SLUG
LATIN = re.compile(r"[A-Za-z]+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?|webcal)://\S+|(?<!\w)/[\w./?=&%-]+")
# Columns of codes that pages must name in words, never show: not an allowance.
CODES = {"status", "kind", "role", "language", "timezone", "languages", "action", "verb"}
TABLES = (
    "organisation",
    "forum",
    "room",
    "track",
    "speaker",
    "agenda_session",
    "category",
    "question",
    "registration",
    "piccolo_user",
    "privacy_notice",
    "invitation",
    "group_code",
)
# Files and fragments, not pages to read.
NOT_PAGES = re.compile(
    r"\.(ics|json|xml|css|js|pdf|png|svg|csv)$|^/(api|schema|static|healthz)|/logout$"
    r"|/my-stars$"  # the stars of a ticket, as JSON for the agenda's script
)


class Text(HTMLParser):
    """The text a reader meets: element text (not scripts or styles), titles, labels and
    button captions. The content of a form's text fields is the person's own input."""

    SKIP = frozenset({"script", "style", "textarea"})
    SPOKEN = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.beside: list[str] = []  # text of `.alt` elements: a name's other language
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for name in self.SPOKEN:
            if found.get(name):
                self.chunks.append(found[name] or "")
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.chunks.append(found["value"] or "")
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            alt = "alt" in (found.get("class") or "").split()
            self._stack.append((tag, alt))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(tag in self.SKIP for tag, _alt in self._stack):
            return
        (self.beside if any(alt for _tag, alt in self._stack) else self.chunks).append(data)


def _catalogue_patterns(lang: str) -> list[re.Pattern]:
    """The translated messages that carry Latin (zh-TW) or Han (en) letters, as patterns
    that find them on a page (a placeholder matches any text)."""
    folder = i18n.LOCALES_DIR / i18n._CATALOGUE[lang] / "LC_MESSAGES" / "messages.po"
    with folder.open("rb") as fp:
        catalogue = read_po(fp)
    letters = LATIN if lang == "zh-TW" else HAN
    patterns = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            parts = re.split(r"%\(\w+\)[sd]|\{\w+\}", text or "")
            if letters.search("".join(parts)):
                patterns.append(re.compile("[^\n]+?".join(re.escape(p) for p in parts)))
    return sorted(patterns, key=lambda p: -len(p.pattern))  # longest first


async def _content() -> tuple[set[str], set[str], set[str]]:
    """(Latin runs entered in Latin only, Han runs of any content, whole first-language
    texts that have a Chinese twin) of the database."""
    latin: set[str] = set()
    han: set[str] = set()
    twins: set[str] = set()
    db = engine()
    for table in TABLES:
        for row in await db.run_ddl(f'SELECT * FROM "{table}"'):  # noqa: S608 - our names
            for column, value in row.items():
                if not isinstance(value, str) or column.endswith("_local"):
                    continue
                local = row.get(f"{column}_local")
                han.update(HAN.findall(value))
                if local is not None:
                    han.update(HAN.findall(local or ""))
                    latin.update(LATIN.findall(local or ""))
                    if local:
                        twins.update(line.strip() for line in value.split("\n"))
                    else:
                        latin.update(LATIN.findall(value))
                elif column not in CODES:
                    latin.update(LATIN.findall(value))
    return latin, han, twins


def _leftovers(html: str, lang: str, allowed: set[str], twins: set[str], patterns) -> set[str]:
    parser = Text()
    parser.feed(html)
    letters = LATIN if lang == "zh-TW" else HAN
    shown = "\n".join(parser.chunks)
    shown += "\n" + "\n".join(t for t in parser.beside if t.strip() not in twins)
    shown = ADDRESSES.sub(" ", shown)
    for pattern in patterns:
        shown = pattern.sub(" ", shown)
    return {
        f"{run} in …{shown[max(0, m.start() - 30) : m.end() + 30]!r}…"
        for m in letters.finditer(shown)
        if (run := m.group()) not in allowed
    }


async def _world(monkeypatch):
    """The demo forum today, its team, a confirmed attendee with a ticket, one check-in."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    forum, _created = await demo.load(time.today(demo.TZ))
    await demo.ensure_team(forum)
    await registration.ensure_categories(forum)
    with i18n.language("zh-TW"):
        outcome = await registration.register(
            forum, person(1, name="Chen Mei", name_local="陳美", email="mei@example.org")
        )
    reg = outcome.registration
    await tickets.issue(forum, reg)
    await make_user("elsewhere")  # a signed-in person without a role here
    # a guest's invitation link and a delegation's group code, into an invitation-only category
    guests = next(c for c in await registration.ensure_categories(forum) if not c.public)
    await invitations.invite(
        forum, guests, name="王小明", email="guest@example.org", options=invitations.Options()
    )
    await invitations.create_code(forum, guests, label="代表團", max_uses=3)
    return forum, reg


async def _urls(forum: Forum, reg: Registration) -> dict[str, list[str]]:
    """The pages each role reads."""
    f = f"/forums/{SLUG}"
    m = f"/manage/forums/{SLUG}"
    sessions = await AgendaSession.select(AgendaSession.id).where(AgendaSession.forum == forum.id)
    speakers = await Speaker.select(Speaker.id).where(Speaker.forum == forum.id)
    room = await Room.select(Room.id).where(Room.forum == forum.id).first()
    track = await Track.select(Track.id).where(Track.forum == forum.id).first()
    assert room and track and sessions and speakers
    day = forum.starts_on.isoformat()
    demo_org = "mofa"  # the demo file's organisation
    guest_token = (await invitation_links("guest@example.org"))["guest@example.org"]
    code = await GroupCode.objects().where(GroupCode.forum == forum.id).first()
    assert code is not None
    public = [
        "/",
        "/login",
        f,
        f"{f}/privacy",
        f"{f}/agenda",
        f"{f}/speakers",
        f"{f}/register",
        f"{f}/register/confirm/not-a-code",
        "/checkin/" + SLUG + "/device?code=not-a-code",
        "/nothing-here",
        "/team-invitation/not-a-token",
        f"/invitations/{guest_token}",
        "/" + notices.opt_out_url(forum, notices.Person("r", reg.id)).split("/", 3)[3],
        f"{f}/group",
        f"{f}/group/{code.code}",
        *[f"{f}/sessions/{s['id']}" for s in sessions],
        *[f"{f}/speakers/{s['id']}" for s in speakers],
    ]
    attendee = [
        f"/tickets/{reg.token}",
        f"/tickets/{reg.token}/cancel",
        f"/tickets/{reg.token}/erase",
        f"{f}/agenda",
    ]
    scanner = ["/manage", "/checkin", f"/checkin/{SLUG}", "/manage/tokens"]
    organizer = [
        "/manage",
        "/manage/forums/new",
        "/manage/tokens",
        m,
        f"{m}?check=1",
        f"{m}/privacy-notice",
        f"{m}/agenda",
        f"{m}/agenda/quick?room={room['id']}&day={day}&start=12:00",
        f"{m}/sessions",
        f"{m}/sessions/new",
        *[f"{m}/sessions/{s['id']}" for s in sessions],
        f"{m}/rooms",
        f"{m}/rooms/{room['id']}",
        f"{m}/tracks",
        f"{m}/tracks/{track['id']}",
        f"{m}/speakers",
        *[f"{m}/speakers/{s['id']}" for s in speakers],
        f"{m}/changes",
        f"{m}/import",
        f"{m}/registrations",
        f"{m}/registrations/new",
        f"{m}/registrations/{reg.id}",
        f"{m}/registrations/mail",
        f"{m}/registration-settings",
        f"{m}/checkin-dashboard",
        f"{m}/sign-in-throttles",
        f"{m}/privacy",
        f"{m}/access-log",
        f"{m}/team",
        f"{m}/invitations",
        f"{m}/notices",
        f"/manage/organisations/{demo_org}",
        f"/checkin/{SLUG}",
    ]
    return {"public": public, "attendee": attendee, "scanner": scanner, "organizer": organizer}


def _pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")


def test_the_walk_covers_every_page(app):
    walked = {
        "/",
        "/login",
        "/forums/x",
        "/forums/x/privacy",
        "/forums/x/agenda",
        "/forums/x/sessions/1",
        "/forums/x/speakers/1",
        "/forums/x/speakers",
        "/forums/x/register",
        "/forums/x/register/confirm/c",
        "/tickets/t",
        "/tickets/t/cancel",
        "/tickets/t/erase",
        "/checkin/x/device",
        "/checkin/x",
        "/manage",
        "/manage/tokens",
        "/manage/forums/new",
        "/manage/forums/x",
        "/manage/forums/x/privacy-notice",
        "/manage/forums/x/rooms",
        "/manage/forums/x/rooms/1",
        "/manage/forums/x/changes",
        "/manage/forums/x/sessions/new",
        "/manage/forums/x/sessions/1",
        "/manage/forums/x/sessions",
        "/manage/forums/x/agenda",
        "/manage/forums/x/agenda/quick",
        "/manage/forums/x/import",
        "/manage/forums/x/sign-in-throttles",
        "/manage/forums/x/checkin-dashboard",
        "/manage/forums/x/registrations/new",
        "/manage/forums/x/registrations/1",
        "/manage/forums/x/registrations",
        "/manage/forums/x/registrations/mail",
        "/manage/forums/x/registration-settings",
        "/manage/forums/x/privacy",
        "/manage/forums/x/access-log",
        "/manage/forums/x/team",
        "/manage/organisations/x",
        "/team-invitation/t",
        "/invitations/t",
        "/notices/r1/s",
        "/forums/x/group",
        "/forums/x/group/c",
        "/checkin",
        "/manage/forums/x/invitations",
        "/manage/forums/x/notices",
    }
    pages = [
        r.path
        for r in app.routes
        if isinstance(r, HTTPRoute) and "GET" in r.methods and not NOT_PAGES.search(r.path)
    ]
    unwalked = [p for p in pages if not any(_pattern(p).match(w) for w in walked)]
    assert unwalked == []


async def _walk(client, urls: list[str], lang: str, allowed, twins, patterns, found) -> None:
    for url in urls:
        joined = f"{url}{'&' if '?' in url else '?'}lang={lang}"
        fragment = {"hx-request": "true"} if "/agenda/quick" in url else {}  # htmx's
        page = await client.get(joined, headers=fragment)
        assert page.status_code < 500, (url, page.status_code)
        assert "text/html" in page.headers.get("content-type", ""), url
        found.setdefault("walked", []).append(url)
        if leftovers := _leftovers(page.text, lang, allowed, twins, patterns):
            found[url] = sorted(leftovers)


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
async def test_every_page_reads_in_one_language(client, app, monkeypatch, lang):
    forum, reg = await _world(monkeypatch)
    latin, han, twins = await _content()
    # the languages' own names in the switcher, and the software's name
    allowed = latin | {"English", "forum", "mgmt"} if lang == "zh-TW" else han | {"繁體中文"}
    # the column names a spreadsheet may use (the import page lists them): codes
    letters = LATIN if lang == "zh-TW" else HAN
    for columns in spreadsheet.COLUMNS.values():
        for aliases, _label in columns.values():
            allowed |= {run for alias in aliases for run in letters.findall(alias)}
    patterns = _catalogue_patterns(lang)
    urls = await _urls(forum, reg)
    found: dict[str, list[str]] = {}
    await _walk(client, urls["public"], lang, allowed, twins, patterns, found)
    await _walk(client, urls["attendee"], lang, allowed, twins, patterns, found)
    for role, username in (("scanner", demo.STAFF), ("organizer", demo.ORGANIZER)):
        client.cookies.clear()
        assert (await sign_in(client, username)).status_code == 303
        await _walk(client, urls[role], lang, allowed, twins, patterns, found)
    walked = found.pop("walked")
    assert len(walked) > 60
    report = "\n".join(f"{url}: {run}" for url, runs in found.items() for run in runs)
    assert found == {}, report
