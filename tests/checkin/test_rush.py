"""One code scanned at several gates in the same instant: exactly one `ok`, on a real server
with two workers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from forum_mgmt.checkin.tables import Checkin
from tests.checkin.helpers import door, open_forum, ticket
from tests.servers import running_server


@pytest.fixture(scope="module")
def server(database) -> Iterator[str]:
    with running_server(workers=2) as url:
        time.sleep(1)  # the second worker comes up a moment after the first answers
        yield url


@pytest.mark.parametrize(
    "n",
    [pytest.param(40, marks=pytest.mark.postgres, id="postgres-40"), pytest.param(12, id="12")],
)
async def test_simultaneous_scans_of_one_code_admit_once(server, n):
    forum = await open_forum("rush")
    reg, code = await ticket(forum)
    headers = await door(forum)
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/forums/rush/checkins",
                    json={"code": code, "gate": f"gate-{i % 4}"},
                    headers=headers,
                )
                for i in range(n)
            )
        )
    assert {r.status_code for r in responses} == {200}
    results = Counter(r.json()["result"] for r in responses)
    assert results == {"ok": 1, "already_checked_in": n - 1}
    winner = next(r.json() for r in responses if r.json()["result"] == "ok")
    previous = {r.json()["previous"]["gate"] for r in responses if r.json()["previous"]}
    rows = await Checkin.select(Checkin.id, Checkin.gate).where(Checkin.registration == reg.id)
    assert rows == [{"id": winner["checkin_id"], "gate": previous.pop()}]
    assert not previous
