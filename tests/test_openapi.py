"""The OpenAPI document describes the API: schemathesis generates requests from the app's
own /schema/openapi.json and every answer must be one the document names, with its
content type and body schema, and never a 5xx. Anonymous and as the forum's organizer,
positive and negative data, a bounded number of examples per operation.

The requests go through httpx's ASGI transport on the test's event loop (the database
pool lives there); Hypothesis drives them from a plain test function, each example run
to completion on that loop.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forum_mgmt.forums.tables import Role
from tests.factories import (
    bearer,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
)

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The JSON API and the machine-readable feeds; the HTML pages are for browsers.
DOCUMENTED = r"^/api/|\.(ics|json|xml)$"
SLUG = "test-forum"


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient
    schema: schemathesis.BaseSchema
    organizer: str  # bearer token
    ticket: str  # a ticket's token


@pytest.fixture
async def world(app) -> World:
    forum = await make_forum(SLUG)
    room = await make_room(forum)
    track = await make_track(forum)
    speaker = await make_speaker(forum)
    await make_session(forum, room=room, track=track, speakers=[speaker])
    await make_session(forum, "Another talk", start="10:30", end="11:30", room=room)
    _user, token = await make_user("organizer", role=Role.ORGANIZER, forum=forum)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    signed_up = await client.post(
        f"/api/forums/{SLUG}/registrations",
        json={"email": "ada@example.org", "name": "Ada", "consent": True},
    )
    assert signed_up.status_code == 201, signed_up.text
    ticket = signed_up.json()["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    document = (await client.get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document).include(path_regex=DOCUMENTED)
    return World(asyncio.get_running_loop(), client, schema, token, ticket)


def _fixed(operation, world: World) -> dict[str, str]:
    """Path parameters that name things that exist, so the operations reach the services."""
    names = {p.name for p in operation.path_parameters}
    return {
        name: value
        for name, value in {"slug": SLUG, "token": world.ticket}.items()
        if name in names
    }


def _run(world: World, operation, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=_fixed(operation, world))

    async def send(case) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url="http://test", headers=headers)
        world.client.cookies.clear()  # no session or CSRF cookie carried between cases
        return await world.client.request(
            kwargs["method"],
            kwargs["url"],
            headers=kwargs.get("headers"),
            params=kwargs.get("params"),
            content=kwargs.get("data"),
            json=kwargs.get("json"),
        )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case) -> None:
        response = world.loop.run_until_complete(send(case))
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as failure:
            failures.append(
                f"{case.method} {response.request.url} -> {response.status_code} "
                f"{response.text[:300]!r}: {failure}"
            )

    try:
        check()
    except Unsatisfiable:  # nothing to make invalid: an operation with no input at all
        assert mode == GenerationMode.NEGATIVE, operation.label
    return failures


@pytest.mark.parametrize("who", ["anonymous", "organizer"])
def test_api_answers_as_its_openapi_document_says(world: World, who: str) -> None:
    headers = {"Accept": "application/json"}
    if who == "organizer":
        headers = bearer(world.organizer)
    started, cpu = time.monotonic(), time.process_time()
    failures: list[str] = []
    operations = [result.ok() for result in world.schema.get_all_operations()]
    assert len(operations) > 30  # the API and the feeds are in the document
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _run(world, operation, mode, headers)
    world.loop.run_until_complete(world.client.aclose())
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"schemathesis {who}: {wall:.1f}s, {cpu:.1f}s CPU")  # noqa: T201
    assert failures == [], "\n".join(failures)


async def test_documented_error_answers_follow_the_route_role(client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    paths = document["paths"]
    error = {"$ref": "#/components/schemas/ErrorOut"}

    def answers(path: str, method: str) -> dict:
        return paths[path][method]["responses"]

    edit = answers("/api/forums/{slug}/rooms/{item_id}", "patch")
    assert sorted(edit) == ["200", "400", "401", "403", "404", "409", "413", "422"]
    assert all(edit[s]["content"]["application/json"]["schema"] == error for s in edit if s >= "4")
    assert paths["/api/forums/{slug}/rooms/{item_id}"]["patch"]["security"] == [{"bearer": []}]
    # public reads: no role to lack; an id or slug may name nothing; no write to conflict
    assert sorted(answers("/api/forums/{slug}", "get")) == ["200", "400", "401", "404"]
    assert sorted(answers("/api/forums", "get")) == ["200", "401"]
    assert "security" not in paths["/api/forums"]["get"]
    signup = answers("/api/forums/{slug}/registrations", "post")
    # 202: the forum confirms email addresses; 429: too many sign-ups from one address
    assert sorted(signup) == ["201", "202", "400", "401", "404", "409", "413", "422", "429"]
    assert signup["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CheckMailbox"
    }
    assert signup["429"]["content"]["application/json"]["schema"] == error
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    body = document["components"]["schemas"]["ErrorOut"]
    assert body["required"] == ["error", "message"]
    assert sorted(body["properties"]) == [
        "conflicts",
        "error",
        "fields",
        "message",
        "missing",
        "rows",
    ]
    missing = document["components"]["schemas"]["MissingOut"]
    assert sorted(missing["required"]) == ["field", "id", "kind", "language"]
    publish = document["paths"]["/api/forums/{slug}/publish"]["post"]
    assert "409" in publish["responses"] and "requestBody" in publish


async def test_feeds_are_documented_with_their_media_types(client) -> None:
    document = (await client.get("/schema/openapi.json")).json()

    def ok(path: str) -> dict:
        return document["paths"][path]["get"]["responses"]["200"]["content"]

    assert list(ok("/forums/{slug}/agenda.ics")) == ["text/calendar"]
    assert list(ok("/forums/{slug}/schedule.xml")) == ["application/xml"]
    assert list(ok("/tickets/{token}/agenda.ics")) == ["text/calendar"]
    schedule = ok("/forums/{slug}/schedule.json")["application/json"]["schema"]
    assert schedule == {"$ref": "#/components/schemas/ScheduleFile"}
    described = document["components"]["schemas"]["ScheduleFile"]
    assert described["type"] == "object"
    assert described["required"] == ["$schema", "generator", "schedule"]
    answers = document["paths"]["/forums/{slug}/schedule.json"]["get"]["responses"]
    assert sorted(answers) == ["200", "304", "400", "404"]


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
async def test_a_method_the_address_does_not_take_is_405_with_allow(client, accept) -> None:
    await make_forum(SLUG)
    response = await client.put(f"/api/forums/{SLUG}", headers={"accept": accept})
    assert response.status_code == 405
    assert sorted(response.headers["allow"].split(", ")) == ["GET", "OPTIONS", "PATCH"]
    if accept == "application/json":
        assert response.json()["error"] == "method_not_allowed"
    page = await client.delete("/forums/test-forum/agenda.ics", headers={"accept": accept})
    assert page.status_code == 405
    assert sorted(page.headers["allow"].split(", ")) == ["GET", "OPTIONS"]


async def test_a_nul_character_in_a_name_is_refused_not_a_server_error(client) -> None:
    # Found by the schemathesis run on PostgreSQL, whose text cannot hold NUL (was a 500).
    forum = await make_forum(SLUG)
    _user, token = await make_user("organizer", role=Role.ORGANIZER, forum=forum)
    response = await client.post(
        f"/api/forums/{SLUG}/tracks", json={"name": "Dip\u0000lomacy"}, headers=bearer(token)
    )
    assert response.status_code == 422  # core/text.py: a control character, named
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == ["name"]
    listed = await client.get(f"/api/forums/{SLUG}/sessions")
    assert listed.status_code == 200


async def test_the_document_is_served_without_a_viewer_from_a_cdn(client) -> None:
    """The HTML viewers load scripts from CDNs, which the CSP refuses: only the document."""
    for path in ("/schema", "/schema/openapi.json"):
        response = await client.get(path)
        assert (path, response.status_code) == (path, 200)
        assert response.json()["info"]["title"] == "forum_mgmt"
    assert (await client.get("/schema/swagger")).status_code == 404
