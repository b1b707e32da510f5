"""One code scanned at several gates in the same instant: exactly one `ok`, on a real server
with two workers."""

from __future__ import annotations

import asyncio
import datetime as dt
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


@pytest.mark.parametrize(
    "n",
    [pytest.param(20, marks=pytest.mark.postgres, id="postgres-20"), pytest.param(8, id="8")],
)
async def test_doors_syncing_at_once_leave_the_earliest_scan_as_the_record(server, n):
    """n doors scanned one badge offline, a minute apart, and sync in the same instant."""
    forum = await open_forum("rush")
    reg, code = await ticket(forum)
    headers = await door(forum)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    scans = [
        {
            "code": code,
            "gate": f"gate-{i}",
            "nonce": f"n-{i}",
            "scanned_at": (start + dt.timedelta(minutes=i)).isoformat(),
        }
        for i in range(n)
    ]
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/forums/rush/checkins/sync", json={"scans": [scan]}, headers=headers
                )
                for scan in reversed(scans)  # the latest first
            )
        )
    assert {r.status_code for r in responses} == {200}
    earliest = responses[-1].json()["results"][0]
    assert earliest["result"] == "ok"
    rows = await Checkin.select(Checkin.id, Checkin.gate, Checkin.nonce).where(
        Checkin.registration == reg.id
    )
    assert rows == [{"id": earliest["checkin_id"], "gate": "gate-0", "nonce": "n-0"}]
