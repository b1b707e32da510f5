"""The authorization matrix: every workspace route and every API route, for five people.

The routes come from the app itself: a route under /manage, /checkin or /api with no line
in ROUTES fails `test_every_route_has_an_expectation`, so a new route cannot be missed.
Each line names who may use the route (an `Access`) and the requests that exercise it,
with the real ids of a forum built once per test.

Who: anonymous; `staff` of this forum; `other_organizer`, the organizer of another forum;
`organizer` of this forum (also an organizer of its organisation, so may create forums);
`admin`. Anonymous gets 401 from the API and a redirect to /login from pages; a signed-in
person without the role gets 403 (the guard refuses before the body is read: an existing
forum is not hidden from the signed-in); the allowed get anything but 401/403/404/405
(a 4xx naming an invalid field is fine: what is tested is the guard). Never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import pytest

from forum_mgmt.accounts import services as accounts
from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.checkin.schemas import ScanIn
from forum_mgmt.checkin.services import check_in
from forum_mgmt.core import time
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.invitations import services as invitations
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Question
from forum_mgmt.teams import services as teams
from forum_mgmt.teams.services import Team
from forum_mgmt.tickets import services as tickets
from tests.checkin.helpers import device_code
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    DAY,
    bearer,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
)
from tests.registration.helpers import person


class Access(StrEnum):
    PUBLIC = "public"  # no guard: anyone, the handler answers
    SIGNED_IN = "signed_in"  # any signed-in person (their own tokens, their forum list)
    CREATOR = "creator"  # an organizer of an organisation (creates forums), or an admin
    STAFF = "staff"  # this forum's staff or organizers, or an admin
    ORGANIZER = "organizer"  # this forum's organizers, or an admin
    # no guard: the device link's one-time code is the credential, which the handler judges;
    # each person opens a code they made themselves, those who cannot make one a made-up one
    DEVICE = "device"
    ORG_ADMIN = "org_admin"  # the organizers of the organisation of the path, or an admin


PERSONAS = ("anonymous", "staff", "other_organizer", "organizer", "admin")
USERNAMES = {
    "staff": "staff",
    "other_organizer": "elsewhere",
    "organizer": "organizer",
    "admin": "root",
}
ALLOWED = {
    Access.PUBLIC: set(PERSONAS),
    Access.SIGNED_IN: {"staff", "other_organizer", "organizer", "admin"},
    Access.CREATOR: {"organizer", "admin"},
    Access.STAFF: {"staff", "organizer", "admin"},
    Access.ORGANIZER: {"organizer", "admin"},
    Access.DEVICE: {"staff", "organizer", "admin"},
    Access.ORG_ADMIN: {"organizer", "admin"},
}


@dataclass(frozen=True)
class Call:
    url: str  # placeholders: {slug}, {today} and the ids of World.ids
    body: dict | None = None  # form fields for pages, JSON for /api
    last: bool = False  # destroys what other calls use: run after all the others
    elsewhere: int = 404  # the answer to this forum's id through another forum's path


def line(access: Access, *calls: str | Call) -> tuple[Access, tuple[Call, ...]]:
    return access, tuple(Call(c) if isinstance(c, str) else c for c in calls)


ORG, STAFF = Access.ORGANIZER, Access.STAFF
M = "/manage/forums/{slug:str}"
F = "/manage/forums/{slug}"
API = "/api/forums/{slug:str}"
MO = "/manage/organisations/{org:str}"
OF = "/manage/organisations/test-org"
AF = "/api/forums/{slug}"
KINDS = ("rooms", "tracks", "speakers")
ITEM = {"rooms": "{room}", "tracks": "{track}", "speakers": "{speaker}"}
SESSION_FORM = {"title": "T", "day": "{today}", "start": "13:00", "end": "14:00"}
SESSION_JSON = {
    "title": "T",
    "starts_at": "{today}T15:00:00+08:00",
    "ends_at": "{today}T16:00:00+08:00",
}

# (method, path as the app names it) -> who may, and the requests that exercise it.
ROUTES: dict[tuple[str, str], tuple[Access, tuple[Call, ...]]] = {
    # -- pages under /manage ------------------------------------------------------------
    ("GET", "/manage"): line(Access.SIGNED_IN, "/manage"),
    ("GET", "/manage/forums/new"): line(Access.CREATOR, "/manage/forums/new"),
    ("POST", "/manage/forums/new"): line(Access.CREATOR, "/manage/forums/new"),
    ("GET", M): line(ORG, F),
    ("POST", M): line(ORG, F),
    ("POST", M + "/unpublish"): line(ORG, F + "/unpublish"),
    ("GET", M + "/privacy-notice"): line(ORG, F + "/privacy-notice"),
    ("POST", M + "/privacy-notice"): line(ORG, Call(F + "/privacy-notice", {"text": "Notice"})),
    ("GET", M + "/access-log"): line(ORG, F + "/access-log", F + "/access-log?action=mail.log"),
    ("POST", M + "/publish"): line(ORG, F + "/publish"),
    ("GET", M + "/agenda"): line(ORG, F + "/agenda"),
    ("POST", M + "/agenda/move"): line(
        ORG,
        Call(F + "/agenda/move", {"session_id": "{session}", "day": "{today}", "start": "11:00"}),
    ),
    ("GET", M + "/agenda/quick"): line(
        # another forum's room is left out of the form (the full form's, without htmx)
        ORG,
        Call(F + "/agenda/quick?room={room}&start=10:00", elsewhere=303),
    ),
    ("POST", M + "/agenda/quick"): line(ORG, Call(F + "/agenda/quick", SESSION_FORM)),
    ("GET", M + "/sessions"): line(ORG, F + "/sessions"),
    ("GET", M + "/sessions/new"): line(ORG, F + "/sessions/new"),
    ("POST", M + "/sessions/new"): line(ORG, Call(F + "/sessions/new", SESSION_FORM)),
    ("POST", M + "/sessions/check"): line(ORG, F + "/sessions/check"),
    ("GET", M + "/sessions/{session_id:int}"): line(ORG, F + "/sessions/{session}"),
    ("POST", M + "/sessions/{session_id:int}"): line(
        ORG, Call(F + "/sessions/{session}", SESSION_FORM)
    ),
    ("POST", M + "/sessions/{session_id:int}/delete"): line(
        ORG, Call(F + "/sessions/{session}/delete", last=True)
    ),
    # a session on the agenda: 409, nothing to restore
    ("POST", M + "/sessions/{session_id:int}/restore"): line(
        ORG, F + "/sessions/{session}/restore"
    ),
    ("GET", M + "/changes"): line(ORG, F + "/changes"),
    ("GET", M + "/sign-in-throttles"): line(ORG, F + "/sign-in-throttles"),
    ("POST", M + "/sign-in-throttles/clear"): line(
        ORG, Call(F + "/sign-in-throttles/clear", {"username": "staff"})
    ),
    ("GET", M + "/tracks.css"): line(ORG, F + "/tracks.css"),
    ("GET", M + "/checkin-dashboard"): line(ORG, F + "/checkin-dashboard"),
    ("GET", M + "/{kind:str}"): line(ORG, *(f"{F}/{k}" for k in KINDS)),
    ("POST", M + "/{kind:str}"): line(ORG, *(f"{F}/{k}" for k in KINDS)),
    ("GET", M + "/{kind:str}/{item_id:int}"): line(ORG, *(f"{F}/{k}/{ITEM[k]}" for k in KINDS)),
    ("POST", M + "/{kind:str}/{item_id:int}"): line(ORG, *(f"{F}/{k}/{ITEM[k]}" for k in KINDS)),
    ("POST", M + "/{kind:str}/{item_id:int}/delete"): line(
        ORG, *(Call(f"{F}/{k}/{ITEM[k]}/delete", last=True) for k in KINDS)
    ),
    ("GET", M + "/import"): line(ORG, F + "/import"),
    ("GET", M + "/import/template-speakers.csv"): line(ORG, F + "/import/template-speakers.csv"),
    ("GET", M + "/import/template-sessions.csv"): line(ORG, F + "/import/template-sessions.csv"),
    ("POST", M + "/import/preview"): line(ORG, F + "/import/preview"),
    ("POST", M + "/import/apply"): line(ORG, F + "/import/apply"),
    ("GET", M + "/badges.pdf"): line(ORG, F + "/badges.pdf?id={registration}"),
    ("POST", M + "/registrations/{registration_id:int}/reissue"): line(
        ORG, F + "/registrations/{registration}/reissue"
    ),
    ("GET", M + "/registrations"): line(ORG, F + "/registrations"),
    ("GET", M + "/registrations.csv"): line(ORG, F + "/registrations.csv"),
    ("GET", M + "/registrations/mail"): line(ORG, F + "/registrations/mail"),
    ("POST", M + "/registrations/mail"): line(
        ORG, Call(F + "/registrations/mail", {"status": "rejected", "subject": "S", "body": "B"})
    ),
    ("GET", M + "/registrations/new"): line(ORG, F + "/registrations/new"),
    ("POST", M + "/registrations/new"): line(ORG, F + "/registrations/new"),
    ("GET", M + "/registrations/{registration_id:int}"): line(
        ORG, F + "/registrations/{registration}"
    ),
    ("POST", M + "/registrations/{registration_id:int}"): line(
        ORG, F + "/registrations/{registration}"
    ),
    ("POST", M + "/registrations/{registration_id:int}/{action:str}"): line(
        ORG,
        F + "/registrations/{registration}/approve",
        F + "/registrations/{registration}/reject",
        F + "/registrations/{registration}/promote",
        Call(F + "/registrations/{registration}/cancel", last=True),
    ),
    ("GET", M + "/registration-settings"): line(ORG, F + "/registration-settings"),
    ("POST", M + "/registration-settings/categories/{category_id:int}"): line(
        ORG, Call(F + "/registration-settings/categories/{category}", {"quota": "5"})
    ),
    ("POST", M + "/registration-settings/questions"): line(
        ORG, F + "/registration-settings/questions"
    ),
    ("POST", M + "/registration-settings/questions/{question_id:int}/remove"): line(
        # Another forum's question id is a silent no-op (303), not a 404: see the count
        # checked in test_another_forums_ids_are_not_found_through_ones_own.
        ORG,
        Call(F + "/registration-settings/questions/{question}/remove", last=True, elsewhere=303),
    ),
    ("GET", M + "/invitations"): line(ORG, F + "/invitations"),
    ("POST", M + "/invitations"): line(
        ORG, Call(F + "/invitations", {"name": "G", "email": "g@example.org", "category": "{vip}"})
    ),
    # no file: 422, nothing sent
    ("POST", M + "/invitations/upload"): line(
        ORG, Call(F + "/invitations/upload", {"category": "{vip}"})
    ),
    ("POST", M + "/invitations/{invitation_id:int}/resend"): line(
        ORG, F + "/invitations/{guest_invitation}/resend"
    ),
    ("POST", M + "/invitations/{invitation_id:int}/revoke"): line(
        ORG, Call(F + "/invitations/{guest_invitation}/revoke", last=True)
    ),
    ("POST", M + "/group-codes"): line(
        ORG, Call(F + "/group-codes", {"category": "{vip}", "max_uses": "3"})
    ),
    ("POST", M + "/group-codes/{code_id:int}/revoke"): line(
        ORG, Call(F + "/group-codes/{group_code}/revoke", last=True)
    ),
    # without the slug typed to confirm: 422, nothing anonymised or deleted
    ("GET", M + "/privacy"): line(ORG, F + "/privacy"),
    ("POST", M + "/privacy/anonymise"): line(ORG, F + "/privacy/anonymise"),
    ("POST", M + "/privacy/delete"): line(ORG, F + "/privacy/delete"),
    ("GET", M + "/team"): line(ORG, F + "/team"),
    ("POST", M + "/team/invite"): line(
        ORG, Call(F + "/team/invite", {"email": "new@example.org", "role": "staff"})
    ),
    ("POST", M + "/team/members/{user_id:int}/role"): line(
        ORG, Call(F + "/team/members/{staff_user}/role", {"role": "staff"})
    ),
    ("POST", M + "/team/members/{user_id:int}/remove"): line(
        ORG, Call(F + "/team/members/{staff_user}/remove", last=True)
    ),
    ("POST", M + "/team/invitations/{invitation_id:int}/revoke"): line(
        ORG, Call(F + "/team/invitations/{invitation}/revoke", last=True)
    ),
    # the organisation's members: its only organizer cannot be removed (409, not refused)
    ("GET", MO): line(Access.ORG_ADMIN, OF),
    ("POST", MO + "/invite"): line(
        Access.ORG_ADMIN, Call(OF + "/invite", {"email": "new@example.org", "role": "staff"})
    ),
    ("POST", MO + "/members/{user_id:int}/role"): line(
        Access.ORG_ADMIN, Call(OF + "/members/{org_member}/role", {"role": "organizer"})
    ),
    ("POST", MO + "/members/{user_id:int}/remove"): line(
        Access.ORG_ADMIN, OF + "/members/{org_member}/remove"
    ),
    ("POST", MO + "/invitations/{invitation_id:int}/revoke"): line(
        Access.ORG_ADMIN, Call(OF + "/invitations/{org_invitation}/revoke", last=True)
    ),
    ("GET", M + "/notices"): line(ORG, F + "/notices"),
    ("POST", M + "/notices/hold"): line(ORG, Call(F + "/notices/hold", {"held": "1"})),
    ("POST", M + "/notices/send"): line(ORG, F + "/notices/send"),
    ("GET", "/manage/tokens"): line(Access.SIGNED_IN, "/manage/tokens"),
    ("POST", "/manage/tokens"): line(Access.SIGNED_IN, Call("/manage/tokens", {"name": "New"})),
    ("POST", "/manage/tokens/{token_id:int}/revoke"): line(
        Access.SIGNED_IN, Call("/manage/tokens/{own_token}/revoke", last=True)
    ),
    ("POST", "/manage/tokens/{token_id:int}/device-link"): line(
        # for a forum of one's own: the form offers no other (the service refuses them)
        Access.SIGNED_IN,
        Call("/manage/tokens/{own_token}/device-link", {"forum": "{own_forum}"}),
    ),
    # -- the door ----------------------------------------------------------------------
    ("GET", "/checkin"): line(Access.SIGNED_IN, "/checkin"),
    ("GET", "/checkin/{slug:str}"): line(STAFF, "/checkin/{slug}"),
    ("GET", "/checkin/{slug:str}/device"): line(
        Access.DEVICE, Call("/checkin/{slug}/device?code={device_code}", last=True)
    ),
    ("POST", "/checkin/{slug:str}/device"): line(
        # after the GET (the same code: a GET spends nothing); replaces the session
        Access.DEVICE,
        Call("/checkin/{slug}/device", {"code": "{device_code}"}, last=True),
    ),
    # -- the API -----------------------------------------------------------------------
    ("GET", "/api/forums"): line(Access.PUBLIC, "/api/forums"),
    ("POST", "/api/forums"): line(Access.CREATOR, Call("/api/forums", {})),
    ("GET", API): line(Access.PUBLIC, AF),
    ("PATCH", API): line(ORG, Call(AF, {"capacity": 10})),
    ("POST", API + "/unpublish"): line(ORG, AF + "/unpublish"),
    ("POST", API + "/publish"): line(ORG, AF + "/publish"),
    ("GET", API + "/sessions"): line(Access.PUBLIC, AF + "/sessions"),
    ("GET", API + "/speakers"): line(Access.PUBLIC, AF + "/speakers"),
    ("POST", API + "/rooms"): line(ORG, Call(AF + "/rooms", {"name": "New room"})),
    ("PATCH", API + "/rooms/{item_id:int}"): line(ORG, Call(AF + "/rooms/{room}", {"capacity": 5})),
    ("DELETE", API + "/rooms/{item_id:int}"): line(ORG, Call(AF + "/rooms/{room}", last=True)),
    ("POST", API + "/tracks"): line(ORG, Call(AF + "/tracks", {"name": "New track"})),
    ("PATCH", API + "/tracks/{item_id:int}"): line(
        ORG, Call(AF + "/tracks/{track}", {"color": "#000000"})
    ),
    ("DELETE", API + "/tracks/{item_id:int}"): line(ORG, Call(AF + "/tracks/{track}", last=True)),
    ("POST", API + "/speakers"): line(ORG, Call(AF + "/speakers", {"name": "New speaker"})),
    ("PATCH", API + "/speakers/{item_id:int}"): line(
        ORG, Call(AF + "/speakers/{speaker}", {"title": "Dr"})
    ),
    ("DELETE", API + "/speakers/{item_id:int}"): line(
        ORG, Call(AF + "/speakers/{speaker}", last=True)
    ),
    ("POST", API + "/sessions"): line(ORG, Call(AF + "/sessions", SESSION_JSON)),
    ("PATCH", API + "/sessions/{item_id:int}"): line(
        ORG, Call(AF + "/sessions/{session}", {"title": "Renamed"})
    ),
    # a session on the agenda: 409, nothing to restore
    ("POST", API + "/sessions/{item_id:int}/restore"): line(
        ORG, AF + "/sessions/{session}/restore"
    ),
    ("DELETE", API + "/sessions/{item_id:int}"): line(
        ORG, Call(AF + "/sessions/{session}", last=True)
    ),
    ("GET", API + "/registrations"): line(ORG, AF + "/registrations"),
    ("POST", API + "/registrations"): line(Access.PUBLIC, Call(AF + "/registrations", {})),
    ("POST", API + "/registrations/{registration_id:int}/reissue"): line(
        ORG, AF + "/registrations/{registration}/reissue"
    ),
    ("POST", API + "/registrations/{registration_id:int}/{action:str}"): line(
        ORG,
        AF + "/registrations/{registration}/approve",
        AF + "/registrations/{registration}/reject",
        AF + "/registrations/{registration}/promote",
        Call(AF + "/registrations/{registration}/cancel", last=True),
    ),
    ("POST", "/api/tickets/{token:str}/cancel"): line(
        Access.PUBLIC, Call("/api/tickets/{ticket_token}/cancel", last=True)
    ),
    ("POST", "/api/tickets/{token:str}/erase"): line(
        Access.PUBLIC, Call("/api/tickets/{ticket_token}/erase", last=True)
    ),
    ("GET", API + "/checkin-key"): line(STAFF, AF + "/checkin-key"),
    ("GET", API + "/checkin-data"): line(STAFF, AF + "/checkin-data"),
    ("GET", API + "/checkin-search"): line(STAFF, AF + "/checkin-search?q=Person"),
    ("GET", API + "/checkin-stats"): line(STAFF, AF + "/checkin-stats"),
    ("POST", API + "/checkins"): line(
        STAFF, Call(AF + "/checkins", {"registration_id": "{registration}", "nonce": "n1"})
    ),
    ("POST", API + "/checkins/sync"): line(STAFF, Call(AF + "/checkins/sync", {"scans": []})),
    ("DELETE", API + "/checkins/{checkin_id:int}"): line(
        STAFF, Call(AF + "/checkins/{checkin}", last=True)
    ),
}
PREFIXES = ("/manage", "/checkin", "/api")


def _app_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app under PREFIXES, as the app names it."""
    from forum_mgmt.app import create_app

    found = set()
    for route in create_app().routes:
        if not any(route.path == p or route.path.startswith(p + "/") for p in PREFIXES):
            continue
        found |= {(m, route.path) for m in route.methods if m not in ("OPTIONS", "HEAD")}
    return found


def test_every_route_has_an_expectation():
    routes = _app_routes()
    assert sorted(routes - ROUTES.keys()) == [], "routes with no line in ROUTES"
    assert sorted(ROUTES.keys() - routes) == [], "lines in ROUTES for routes that are gone"


# -- the world -----------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, object]  # placeholders shared by everyone
    secrets: dict[str, str]  # persona -> API token
    own_tokens: dict[str, int]  # persona -> the id of a spare token of theirs
    device_codes: dict[str, str]  # persona -> a device code for `tf` made with their token


async def _world() -> World:
    today = time.today("Asia/Taipei")
    forum = await make_forum("tf", starts_on=today, ends_on=today)
    other = await make_forum("other", starts_on=today, ends_on=today)
    users, secrets, own_tokens = {}, {}, {}
    for who, role, on in (
        ("staff", Role.STAFF, forum),
        ("other_organizer", Role.ORGANIZER, other),
        ("organizer", Role.ORGANIZER, forum),
        ("admin", None, None),
    ):
        users[who], secrets[who] = await make_user(
            USERNAMES[who], role=role, forum=on, admin=who == "admin"
        )
        own_tokens[who] = (await accounts.create_token(users[who], "spare"))[0].id
    organisation = await forums.ensure_organisation("test-org", name="Test Org")
    await forums.join(organisation, users["organizer"], Role.ORGANIZER)
    invited = {
        name: await teams.invite(
            team, email=f"{name}@example.org", role=Role.STAFF, language="en", by=users["admin"]
        )
        for name, team in (("tf", Team(forum=forum)), ("org", Team(organisation=organisation)))
    }

    reg = (await registration.register(forum, person(1))).registration
    await tickets.issue(forum, reg)
    other_person = (await registration.register(forum, person(2))).registration
    vip = next(c for c in await registration.ensure_categories(forum) if c.code == "vip")
    guest = await invitations.invite(
        forum, vip, name="Guest", email="guest@example.org", options=invitations.Options()
    )
    code = await invitations.create_code(forum, vip, label="Delegation", max_uses=2)
    scan = ScanIn(registration_id=reg.id, gate="A", nonce="world")
    ids = {
        "slug": "tf",
        "today": today.isoformat(),
        "room": (await make_room(forum, "Spare")).id,
        "track": (await make_track(forum)).id,
        "speaker": (await make_speaker(forum)).id,
        "session": (await make_session(forum, day=today)).id,
        "registration": reg.id,
        "ticket_token": other_person.token,
        "category": (await registration.ensure_categories(forum))[0].id,
        "question": (await registration.add_question(forum, label="Diet?", kind="text")).id,
        "checkin": (await check_in(forum, scan, by=users["staff"])).checkin_id,
        "staff_user": users["staff"].id,
        "invitation": invited["tf"].id,
        "org_member": users["organizer"].id,
        "org_invitation": invited["org"].id,
        "vip": vip.id,
        "guest_invitation": guest.id,
        "group_code": code.id,
    }
    device_codes = {
        who: await device_code(secrets[who], "tf") for who in ("staff", "organizer", "admin")
    }
    return World(ids, secrets, own_tokens, device_codes)


def _fill(value, values: dict[str, object]):
    """Placeholders filled in a URL or a body; a body value that is just an id stays an int."""
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole and isinstance(values[whole[1]], int):
            return values[whole[1]]
        return value.format(**values)
    return value


def _requests(world: World, who: str, *, api: bool):
    """(method, access, url, body) of every call for one side, the `last` ones last."""
    values = {
        **world.ids,
        "own_token": world.own_tokens.get(who, world.own_tokens["organizer"]),  # a real id
        "own_forum": "other" if who == "other_organizer" else "tf",
        "device_code": world.device_codes.get(who, "fmd_made-up-code-0000000000"),
    }
    todo = [
        (method, access, call)
        for (method, route), (access, calls) in ROUTES.items()
        if route.startswith("/api/") == api
        for call in calls
    ]
    todo.sort(key=lambda item: item[2].last)
    for method, access, call in todo:
        yield method, access, _fill(call.url, values), _fill(call.body, values)


def _judge(who: str, access: Access, status: int, location: str, *, page: bool) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500:
        return "server error"
    if access is Access.DEVICE:  # the handler judges the code: a button (GET), then in
        if who in ALLOWED[access]:
            ok = status == 200 or (status == 303 and location == "/checkin/tf")
            return None if ok else "not let in"
        return None if status == 404 else "not refused"
    if who in ALLOWED[access]:
        return "refused" if status in (401, 403, 404, 405) else None
    if who == "anonymous":
        if page:
            return None if status == 303 and location.startswith("/login?") else "no login"
        return None if status == 401 else "not 401"
    return None if status == 403 else "not 403"


async def _run(client, world: World, who: str, *, api: bool, headers: dict, form: dict):
    wrong = []
    for method, access, url, body in _requests(world, who, api=api):
        if api:
            response = await client.request(method, url, json=body, headers=headers)
        elif method == "GET":
            response = await client.get(url)
        else:
            response = await client.request(method, url, data={**(body or {}), **form})
        problem = _judge(
            who, access, response.status_code, response.headers.get("location", ""), page=not api
        )
        if problem:
            wrong.append(f"{problem}: {who} {method} {url} -> {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", PERSONAS)
async def test_workspace_pages(client, who):
    world = await _world()
    if who != "anonymous":
        assert (await sign_in(client, USERNAMES[who])).status_code == 303
    form = {"_csrf_token": await csrf_token(client)}
    await _run(client, world, who, api=False, headers={}, form=form)


@pytest.mark.parametrize(
    ("who", "auth"),
    [("anonymous", "none")] + [(w, a) for w in PERSONAS[1:] for a in ("bearer", "session")],
)
async def test_api(client, who, auth):
    """Scripts and scanners send a bearer token; the browser's pages send the session
    cookie with the CSRF header."""
    world = await _world()
    headers = {"accept": "application/json"}
    if auth == "bearer":
        headers = bearer(world.secrets[who])
    elif auth == "session":
        assert (await sign_in(client, USERNAMES[who])).status_code == 303
        headers["x-csrftoken"] = await csrf_token(client)
    await _run(client, world, who, api=True, headers=headers, form={})


# -- another forum's ids through one's own forum -------------------------------------------


@pytest.mark.parametrize("api", [False, True], ids=["pages", "api"])
async def test_another_forums_ids_are_not_found_through_ones_own(client, api):
    """The organizer of `other` reaches the guard of their own forum's routes, but an id of
    `tf` in the path (or ?id=) is not found there: tenant data is fetched through its forum."""
    world = await _world()
    ids = {**world.ids, "slug": "other"}
    headers = bearer(world.secrets["other_organizer"])
    if not api:
        await sign_in(client, USERNAMES["other_organizer"])
    form = {"_csrf_token": await csrf_token(client)}
    wrong = []
    for (method, _route), (access, calls) in ROUTES.items():
        for call in calls:
            if (
                access not in (Access.STAFF, Access.ORGANIZER)
                or call.url.startswith("/api/") != api
            ):
                continue
            placeholders = set(re.findall(r"\{(\w+)\}", call.url)) - {"slug", "today"}
            if not placeholders:
                continue
            url, body = _fill(call.url, ids), _fill(call.body, ids)
            if api:
                response = await client.request(method, url, json=body, headers=headers)
            else:
                response = await client.request(method, url, data={**(body or {}), **form})
            if response.status_code != call.elsewhere:
                wrong.append(f"{method} {url} -> {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert await Question.count() == 1  # removing another forum's question changed nothing


async def test_another_persons_token_cannot_be_revoked(client):
    world = await _world()
    await sign_in(client, USERNAMES["other_organizer"])
    revoke = await client.post(
        f"/manage/tokens/{world.own_tokens['organizer']}/revoke",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert revoke.status_code == 404
    assert await ApiToken.count().where(ApiToken.revoked_at.is_null()) == 8


async def test_a_bad_token_is_401_not_anonymous(client):
    await _world()
    response = await client.post(
        "/api/forums/tf/rooms", json={"name": "x"}, headers=bearer("fm_not-a-real-token")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_a_revoked_token_stops_working(client):
    world = await _world()
    ok = await client.post(
        "/api/forums/tf/rooms", json={"name": "A"}, headers=bearer(world.secrets["organizer"])
    )
    assert ok.status_code == 201
    row = await ApiToken.objects(ApiToken.user).where(ApiToken.user.username == "organizer").first()
    await accounts.revoke_token(row.user, row.id)
    refused = await client.post(
        "/api/forums/tf/rooms", json={"name": "B"}, headers=bearer(world.secrets["organizer"])
    )
    assert refused.status_code == 401


async def test_session_api_writes_need_the_csrf_header(client):
    await _world()
    await sign_in(client, "organizer")
    no_header = await client.post("/api/forums/tf/rooms", json={"name": "A"})
    assert no_header.status_code == 403
    token = await csrf_token(client)
    with_header = await client.post(
        "/api/forums/tf/rooms", json={"name": "A"}, headers={"x-csrftoken": token}
    )
    assert with_header.status_code == 201


async def test_only_an_organisations_organizer_may_create_a_forum(client):
    """The guard refuses before the form is read: a valid form from staff is 403 too."""
    await _world()
    await sign_in(client, "staff")
    form = {
        "_csrf_token": await csrf_token(client),
        "slug": "mine",
        "name": "Mine",
        "starts_on": DAY.isoformat(),
        "ends_on": DAY.isoformat(),
        "timezone": "Asia/Taipei",
    }
    assert (await client.post("/manage/forums/new", data=form)).status_code == 403
    assert (await client.get("/manage/forums/new")).status_code == 403
    assert await Forum.count() == 2
