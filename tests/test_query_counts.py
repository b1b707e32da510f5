"""Each page costs the same number of queries for a small and a larger forum.

Every list the app answers costs the same number of queries for 2 and for 5 of each
thing in it (no N+1): sessions with two speakers each, rooms, tracks, registrations with
answers and workshop bookings, guests, team members and invitations, notices, check-ins,
API tokens, the access log. Every GET route is either listed here or named as no list, so a
new list page cannot be forgotten."""

from __future__ import annotations

import datetime as dt

import pytest

from forum_mgmt.accounts import services as accounts
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import SessionPatch
from forum_mgmt.audit import services as audit
from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import time
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Role
from forum_mgmt.invitations import services as guests
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.tables import Registration, Star
from forum_mgmt.teams import services as teams
from tests.conftest import sign_in
from tests.factories import (
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
)


async def _forum_with(n: int):
    forum = await make_forum(f"f{n}")
    room = await make_room(forum)
    track = await make_track(forum)
    sessions, speakers = [], []
    for i in range(n):
        sp = await make_speaker(forum, f"Speaker {i}")
        speakers.append(sp)
        hour = 8 + i
        sessions.append(
            await make_session(
                forum,
                f"Talk {i}",
                start=f"{hour:02d}:00",
                end=f"{hour:02d}:45",
                room=room,
                track=track,
                speakers=[sp],
            )
        )
    return forum, sessions, speakers


PAGES = [
    "/",
    "/forums/{slug}",
    "/forums/{slug}/agenda",
    "/forums/{slug}/sessions/{session}",
    "/forums/{slug}/speakers",
    "/forums/{slug}/speakers/{speaker}",
    "/api/forums",
    "/api/forums/{slug}",
    "/api/forums/{slug}/sessions",
    "/api/forums/{slug}/speakers",
]


@pytest.mark.parametrize("page", PAGES)
async def test_page_query_count_does_not_grow_with_the_forum(client, count_queries, page):
    counts = []
    for n in (1, 3):
        forum, sessions, speakers = await _forum_with(n)
        url = page.format(slug=forum.slug, session=sessions[0].id, speaker=speakers[0].id)
        count_queries.count = 0
        response = await client.get(url)
        assert response.status_code == 200, url
        counts.append(count_queries.count)
    assert counts[0] == counts[1], count_queries.queries
    assert counts[0] <= 6


WORKSPACE = [
    "/manage",
    "/manage/forums/{slug}",
    "/manage/forums/{slug}/agenda",
    "/manage/forums/{slug}/sessions",
    "/manage/forums/{slug}/sessions/{session}",
    "/manage/forums/{slug}/speakers",
    "/manage/forums/{slug}/rooms",
    "/manage/forums/{slug}/changes",
]


@pytest.mark.parametrize("page", WORKSPACE)
async def test_workspace_query_count_does_not_grow_with_the_forum(client, count_queries, page):
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.tables import Role
    from tests.conftest import sign_in
    from tests.factories import make_user

    user, _token = await make_user("org")
    await sign_in(client, "org")
    counts = []
    for n in (1, 3):
        forum, sessions, _speakers = await _forum_with(n)
        await forums.grant(forum, user, Role.ORGANIZER)
        count_queries.count = 0
        url = page.format(slug=forum.slug, session=sessions[0].id)
        response = await client.get(url)
        assert response.status_code == 200, url
        counts.append(count_queries.count)
    assert counts[0] == counts[1], count_queries.queries


# Path (as Litestar names it) -> the address to ask, filled from the world's ids.
LISTS = {
    # public
    "/": "/",
    "/forums/{slug:str}": "/forums/{slug}",
    "/forums/{slug:str}/agenda": "/forums/{slug}/agenda",
    "/forums/{slug:str}/agenda.ics": "/forums/{slug}/agenda.ics",
    "/forums/{slug:str}/schedule.json": "/forums/{slug}/schedule.json",
    "/forums/{slug:str}/schedule.xml": "/forums/{slug}/schedule.xml",
    "/forums/{slug:str}/speakers": "/forums/{slug}/speakers",
    "/forums/{slug:str}/speakers/{speaker_id:int}": "/forums/{slug}/speakers/{speaker}",
    "/forums/{slug:str}/sessions/{ref:str}": "/forums/{slug}/sessions/{session}",
    "/forums/{slug:str}/tracks.css": "/forums/{slug}/tracks.css",
    "/forums/{slug:str}/register": "/forums/{slug}/register",
    "/tickets/{token:str}": "/tickets/{token}",
    "/tickets/{token:str}/data.json": "/tickets/{token}/data.json",
    "/tickets/{token:str}/agenda.ics": "/tickets/{token}/agenda.ics",
    # API
    "/api/forums": "/api/forums",
    "/api/forums/{slug:str}": "/api/forums/{slug}",
    "/api/forums/{slug:str}/sessions": "/api/forums/{slug}/sessions",
    "/api/forums/{slug:str}/speakers": "/api/forums/{slug}/speakers",
    "/api/forums/{slug:str}/registrations": "/api/forums/{slug}/registrations",
    "/api/forums/{slug:str}/checkin-data": "/api/forums/{slug}/checkin-data",
    "/api/forums/{slug:str}/checkin-search": "/api/forums/{slug}/checkin-search?q=Person",
    "/api/forums/{slug:str}/checkin-stats": "/api/forums/{slug}/checkin-stats",
    # the organizer's workspace
    "/manage": "/manage",
    "/manage/tokens": "/manage/tokens",
    "/manage/organisations/{org:str}": "/manage/organisations/test-org",
    "/manage/forums/{slug:str}": "/manage/forums/{slug}",
    "/manage/forums/{slug:str}/agenda": "/manage/forums/{slug}/agenda",
    "/manage/forums/{slug:str}/sessions": "/manage/forums/{slug}/sessions",
    "/manage/forums/{slug:str}/sessions/{session_id:int}": (
        "/manage/forums/{slug}/sessions/{session}"
    ),
    "/manage/forums/{slug:str}/{kind:str}": [
        "/manage/forums/{slug}/speakers",
        "/manage/forums/{slug}/rooms",
        "/manage/forums/{slug}/tracks",
    ],
    "/manage/forums/{slug:str}/{kind:str}/{item_id:int}": (
        "/manage/forums/{slug}/speakers/{speaker}"
    ),
    "/manage/forums/{slug:str}/changes": "/manage/forums/{slug}/changes",
    "/manage/forums/{slug:str}/registrations": [
        "/manage/forums/{slug}/registrations",
        "/manage/forums/{slug}/registrations?q=Person",
        "/manage/forums/{slug}/registrations?session={session}",
    ],
    "/manage/forums/{slug:str}/registrations/{registration_id:int}": (
        "/manage/forums/{slug}/registrations/{registration}"
    ),
    "/manage/forums/{slug:str}/registrations/mail": "/manage/forums/{slug}/registrations/mail",
    "/manage/forums/{slug:str}/registrations/new": "/manage/forums/{slug}/registrations/new",
    "/manage/forums/{slug:str}/registration-settings": (
        "/manage/forums/{slug}/registration-settings"
    ),
    "/manage/forums/{slug:str}/invitations": "/manage/forums/{slug}/invitations",
    "/manage/forums/{slug:str}/team": "/manage/forums/{slug}/team",
    "/manage/forums/{slug:str}/sign-in-throttles": "/manage/forums/{slug}/sign-in-throttles",
    "/manage/forums/{slug:str}/notices": "/manage/forums/{slug}/notices",
    "/manage/forums/{slug:str}/access-log": "/manage/forums/{slug}/access-log",
    "/manage/forums/{slug:str}/checkin-dashboard": "/manage/forums/{slug}/checkin-dashboard",
    "/manage/forums/{slug:str}/privacy": "/manage/forums/{slug}/privacy",
    "/checkin": "/checkin",
    "/checkin/{slug:str}": "/checkin/{slug}",
}

# GET routes that show no list of rows (one thing, a form, a file of one, or static).
NOT_LISTS = {
    "/healthz",
    "/login",
    "/logout",
    "/schema",
    "/schema/openapi.json",
    "/schema/openapi.yaml",
    "/schema/openapi.yml",
    "/schema/{path:str}",
    "/static/{file_path:path}",
    "/forums/{slug:str}/group",
    "/forums/{slug:str}/group/{code:str}",
    "/forums/{slug:str}/my-stars",  # one device's star ids, one query
    "/forums/{slug:str}/privacy",
    "/forums/{slug:str}/register/confirm/{code:str}",
    "/invitations/{token:str}",
    "/team-invitation/{token:str}",
    "/notices/{ref:str}/{sig:str}",
    "/tickets/{token:str}/cancel",
    "/tickets/{token:str}/erase",
    "/tickets/{token:str}/qr.png",
    "/tickets/{token:str}/qr.svg",
    "/tickets/{token:str}/ticket.pdf",
    "/api/forums/{slug:str}/checkin-key",
    "/checkin/{slug:str}/device",
    "/manage/forums/new",
    "/manage/forums/{slug:str}/agenda/quick",  # a form for one free slot
    "/manage/forums/{slug:str}/privacy-notice",
    "/manage/forums/{slug:str}/import",
    "/manage/forums/{slug:str}/import/template-sessions.csv",
    "/manage/forums/{slug:str}/import/template-speakers.csv",
    "/manage/forums/{slug:str}/sessions/new",
    "/manage/forums/{slug:str}/tracks.css",
    # files whose size is the list's, built in a bounded number of queries a chunk (their
    # cost is measured by bench/growth.py): the CSV reads 1,000 rows a query, badges 500
    "/manage/forums/{slug:str}/registrations.csv",
    "/manage/forums/{slug:str}/badges.pdf",
}


# What the page of a world with n of each shows of the last one: the rows are really there.
SHOWS = {
    "/forums/{slug}/agenda": "Workshop {last}!",
    "/forums/{slug}/speakers": "Speaker {last2}",
    "/api/forums/{slug}/registrations": "Person {last}",
    "/manage/forums/{slug}/registrations": "Person {last}",
    "/manage/forums/{slug}/registrations?session={session}": "Person {last}",
    "/manage/forums/{slug}/rooms": "Room {last}",
    "/manage/forums/{slug}/tracks": "Track {last}",
    "/manage/forums/{slug}/invitations": "Guest {last}",
    "/manage/forums/{slug}/team": "staff{tag}{last}",
    "/manage/tokens": "token {tag} {last}",
    "/manage/forums/{slug}/notices": "sp{tag}{last2}@example.org",
    "/api/forums/{slug}/checkin-data": "Person {last}",
}


def _get_paths(app) -> set[str]:
    return {r.path for r in app.routes if "GET" in getattr(r, "methods", ())}


def test_every_get_route_is_a_list_here_or_named_as_none(app):
    paths = _get_paths(app)
    unknown = paths - set(LISTS) - NOT_LISTS
    assert not unknown, f"a new GET route: add it to LISTS or NOT_LISTS: {sorted(unknown)}"
    gone = (set(LISTS) | NOT_LISTS) - paths
    assert not gone, f"no longer routes: {sorted(gone)}"


async def _world(n: int, org_user, tag: str) -> dict:
    """A forum with n of everything its lists show, and the organizer on it."""
    forum = await make_forum(f"lists-{tag}")
    await forums.grant(forum, org_user, Role.ORGANIZER)
    organisation = await forums.ensure_organisation("test-org", name="Test Org")
    rooms = [await make_room(forum, f"Room {i}", capacity=100) for i in range(n)]
    tracks = [await make_track(forum, f"Track {i}") for i in range(n)]
    speakers = [
        await make_speaker(forum, f"Speaker {i}", email=f"sp{tag}{i}@example.org")
        for i in range(2 * n)
    ]
    sessions = [
        await make_session(
            forum,
            f"Workshop {i}",
            start=f"{8 + i:02d}:00",
            end=f"{8 + i:02d}:45",
            room=rooms[i],
            track=tracks[i],
            speakers=speakers[2 * i : 2 * i + 2],
            kind="workshop",
            capacity=50,
        )
        for i in range(n)
    ]
    questions = [
        await registration.add_question(forum, label=f"Question {i}", kind="text") for i in range(n)
    ]
    for i in range(n):
        data = RegistrationIn(
            name=f"Person {i}",
            name_local=f"人{i}",
            email=f"p{tag}{i}@example.org",
            consent=True,
            answers={str(q.id): f"answer {i}" for q in questions},
            session_ids=[s.id for s in sessions],
        )
        await registration.register(forum, data, by_organizer=True)
    regs = await Registration.objects().where(Registration.forum == forum.id)
    tokens = [r.token for r in regs]
    now = time.now()
    await Star.insert(
        *(Star(registration=regs[0].id, session=s.id, created_at=now) for s in sessions)
    )
    await Checkin.insert(
        *(
            Checkin(
                forum=forum.id, registration=r.id, by=org_user.id, scanned_at=now, created_at=now
            )
            for r in regs
        )
    )
    category = (await registration.ensure_categories(forum))[0]
    for i in range(n):
        await guests.invite(
            forum,
            category,
            name=f"Guest {i}",
            email=f"g{tag}{i}@example.org",
            options=guests.Options(),
        )
        await teams.invite(
            teams.Team(forum=forum),
            email=f"t{tag}{i}@example.org",
            role=Role.STAFF,
            language="en",
            by=org_user,
        )
        staff, _ = await make_user(f"staff{tag}{i}")
        await forums.grant(forum, staff, Role.STAFF)
        await teams.set_role(teams.Team(organisation=organisation), staff, Role.STAFF, by=None)
        await accounts.create_token(org_user, f"token {tag} {i}")
        await audit.record(
            forum, audit.Actor(org_user.id), "registrations.list", count=1, ids=[regs[i].id]
        )
    for i, s in enumerate(sessions):  # each change tells the session's speakers and attendees
        when = dt.timedelta(minutes=5)
        await agenda.update_session(
            forum, s.id, SessionPatch(ends_at=s.ends_at + when, title=f"Workshop {i}!"), by=org_user
        )
    return {
        "slug": forum.slug,
        "session": sessions[0].id,
        "speaker": speakers[0].id,
        "registration": regs[0].id,
        "token": tokens[0],
    }


def _urls(world: dict) -> list[tuple[str, str]]:
    out = []
    for urls in LISTS.values():
        for url in [urls] if isinstance(urls, str) else urls:
            out.append((url, url.format(**world)))
    return out


async def test_every_list_costs_the_same_queries_for_2_and_5(client, count_queries):
    org_user, _token = await make_user("org")
    await sign_in(client, "org")
    organisation = await forums.ensure_organisation("test-org", name="Test Org")
    await teams.set_role(teams.Team(organisation=organisation), org_user, Role.ORGANIZER, by=None)
    counts: dict[str, list[int]] = {}
    statements: dict[str, list[list[str]]] = {}
    for n, tag in ((1, "warm"), (2, "a"), (5, "b")):  # the first warms the process's caches
        world = await _world(n, org_user, tag)
        for key, url in _urls(world):
            count_queries.count, count_queries.queries = 0, []
            answer = await client.get(url)
            assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
            if key in SHOWS:
                shown = SHOWS[key].format(last=n - 1, last2=2 * n - 1, tag=tag)
                assert shown in answer.text, (url, shown)
            if tag != "warm":
                counts.setdefault(key, []).append(count_queries.count)
                statements.setdefault(key, []).append(list(count_queries.queries))
    growing = {k: c for k, c in counts.items() if c[0] != c[1]}
    detail = {k: statements[k][1] for k in growing}
    assert not growing, f"queries grow with the rows (2 vs 5): {growing}\n{detail}"
