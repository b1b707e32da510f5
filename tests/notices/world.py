"""A published forum with people following its sessions, built through the app."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionKind, Speaker
from forum_mgmt.core import i18n
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token
from tests.factories import bearer, make_forum, make_room, make_session, make_user
from tests.registration.helpers import person


@dataclass
class World:
    forum: Forum
    auth: dict[str, str]
    hall: Room
    small: Room
    workshop: AgendaSession  # booked and starred by Alice and Bob, Ms Speaker speaks
    panel: AgendaSession  # starred by Alice, Bob and Carol
    speaker: Speaker
    alice: Registration  # en
    bob: Registration  # zh-TW
    carol: Registration  # en, will opt out


async def _register(forum: Forum, n: int, name: str, language: str) -> Registration:
    with i18n.language(language):
        outcome = await registration.register(
            forum, person(n, name=name, email=f"{name.lower()}@example.org")
        )
    return outcome.registration


async def star(client: httpx.AsyncClient, reg: Registration, session: AgendaSession) -> None:
    answer = await client.post(
        f"/tickets/{reg.token}/stars/{session.id}/star",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert answer.status_code == 303, answer.text


async def book(client: httpx.AsyncClient, reg: Registration, session: AgendaSession) -> None:
    answer = await client.post(
        f"/tickets/{reg.token}/sessions/{session.id}/book",
        data={"_csrf_token": await csrf_token(client)},
    )
    assert answer.status_code == 303, answer.text
    assert "saved=sessions" in answer.headers["location"]


async def build(client: httpx.AsyncClient, slug: str = "nf", **forum_fields) -> World:
    forum = await make_forum(slug, **forum_fields)
    _user, token = await make_user(f"org-{slug}", role=Role.ORGANIZER, forum=forum)
    auth = bearer(token)
    hall = await make_room(forum, "Main Hall", name_local="國際會議廳", capacity=200)
    small = await make_room(forum, "Room 201", name_local="201 會議室", capacity=40)
    # The speaker's address goes in through the API, as an organizer adds it.
    added = await client.post(
        f"/api/forums/{slug}/speakers",
        json={"name": "Ms Speaker", "name_local": "講者女士", "email": "speaker@example.org"},
        headers=auth,
    )
    assert added.status_code == 201, added.text
    speaker = await Speaker.objects().where(Speaker.id == added.json()["id"]).first()
    workshop = await make_session(
        forum,
        "Open data workshop",
        title_local="開放資料工作坊",
        start="10:00",
        end="11:00",
        room=hall,
        kind=SessionKind.WORKSHOP,
        capacity=30,
        speakers=[speaker],
    )
    panel = await make_session(
        forum, "Closing panel", title_local="閉幕座談", start="15:00", end="16:00", room=hall
    )
    alice = await _register(forum, 1, "Alice", "en")
    bob = await _register(forum, 2, "Bob", "zh-TW")
    carol = await _register(forum, 3, "Carol", "en")
    for reg in (alice, bob):
        await book(client, reg, workshop)
        await star(client, reg, workshop)
    for reg in (alice, bob, carol):
        await star(client, reg, panel)
    return World(forum, auth, hall, small, workshop, panel, speaker, alice, bob, carol)
