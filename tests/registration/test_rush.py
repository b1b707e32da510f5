"""Exact under a rush: a real server with two workers, hundreds of sign-ups at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from forum_mgmt.agenda.tables import SessionKind
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from forum_mgmt.registration.services import seats
from forum_mgmt.registration.tables import Booking, Registration
from tests.factories import make_forum, make_session
from tests.registration.helpers import body
from tests.servers import running_server


@pytest.fixture(scope="module")
def server(database) -> Iterator[str]:
    with running_server(workers=2) as url:
        time.sleep(1)  # the second worker comes up a moment after the first answers
        yield url


async def _burst(url: str, bodies: list[dict]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        return await asyncio.gather(
            *(client.post("/api/forums/rush/registrations", json=b) for b in bodies)
        )


async def _check_exact(forum, responses, seats_total: int) -> None:
    n = len(responses)
    assert sorted({r.status_code for r in responses}) == [201]
    answers = {r.json()["id"]: r.json() for r in responses}
    rows = {r.id: r for r in await Registration.objects().where(Registration.forum == forum.id)}
    assert set(rows) == set(answers)  # every accepted request has its row, and no other
    for rid, answer in answers.items():
        assert rows[rid].status == answer["status"]
    confirmed = [r for r in rows.values() if r.status == "confirmed"]
    waiting = [r for r in rows.values() if r.status == "waitlisted"]
    assert (len(confirmed), len(waiting)) == (seats_total, n - seats_total)
    positions = sorted(a["waitlist_position"] for a in answers.values() if a["waitlist_position"])
    assert positions == list(range(1, n - seats_total + 1))
    # the line is first come, first served: each answer's place is its place in the line
    listed = await services.list_registrations(
        forum, services.Filters(status="waitlisted"), limit=1000
    )
    by_order = sorted(listed, key=lambda row: row.registration.waitlist_order)
    assert [row.waitlist_position for row in by_order] == list(range(1, n - seats_total + 1))
    assert all(
        answers[row.registration.id]["waitlist_position"] == row.waitlist_position for row in listed
    )
    assert await seats.taken(seats.forum_key(forum.id)) == seats_total
    # every confirmed seat was taken before anyone joined the line
    last_seat = max(r.created_at for r in confirmed)
    assert all(w.waitlist_order >= 1 for w in waiting)
    del last_seat


@pytest.mark.parametrize(
    ("n", "capacity"),
    [
        pytest.param(300, 50, marks=pytest.mark.postgres, id="postgres-300-for-50"),
        pytest.param(40, 10, id="40-for-10"),
    ],
)
async def test_a_rush_confirms_exactly_capacity_and_waitlists_the_rest_in_order(
    server, n, capacity
):
    forum = await make_forum("rush", capacity=capacity, signup_limit_per_address=0)
    await services.ensure_categories(forum)
    responses = await _burst(server, [body(i) for i in range(n)])
    await _check_exact(forum, responses, capacity)


@pytest.mark.parametrize(
    ("n", "capacity", "quota", "workshop_seats"),
    [
        pytest.param(300, 50, 10, 10, marks=pytest.mark.postgres, id="postgres-300"),
        pytest.param(40, 10, 3, 2, id="40"),
    ],
)
async def test_a_rush_holds_category_quotas_and_workshop_capacity(
    server, n, capacity, quota, workshop_seats
):
    forum = await make_forum("rush", capacity=capacity, signup_limit_per_address=0)
    vip = next(c for c in await services.ensure_categories(forum) if c.code == "vip")
    await services.update_category(forum, vip.id, public=True, approval=False, quota=quota)
    workshop = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=workshop_seats)
    bodies = []
    for i in range(n):
        extra = {"category": "vip"} if i % 5 == 0 else {}
        if i % 5 in (1, 2):
            extra["session_ids"] = [workshop.id]
        bodies.append(body(i, **extra))
    responses = await _burst(server, bodies)
    codes = [r.status_code for r in responses]
    assert set(codes) <= {201, 409}
    assert all(r.json()["error"] == "session_full" for r in responses if r.status_code == 409)
    accepted = {r.json()["id"] for r in responses if r.status_code == 201}
    rows = await Registration.objects(Registration.category).where(Registration.forum == forum.id)
    assert {r.id for r in rows} == accepted
    confirmed = [r for r in rows if r.status == "confirmed"]
    assert len([r for r in confirmed if r.category.code == "vip"]) == quota
    assert len([r for r in confirmed if r.category.code == "attendee"]) == capacity - quota
    bookings = await Booking.select(Booking.registration).where(Booking.session == workshop.id)
    booked = {b["registration"] for b in bookings}
    # a confirmed person who asked for the workshop has a seat in it (else they were refused)
    wanted = {r.id for r in confirmed if r.wanted_sessions not in ("[]", [])}
    assert booked == wanted
    assert len(booked) <= workshop_seats
    if 409 in codes:  # someone was refused because it was full: then it is exactly full
        assert len(booked) == workshop_seats
    assert await seats.taken(seats.session_key(workshop.id)) == len(booked)
    assert await seats.taken(seats.forum_key(forum.id)) == capacity


@pytest.mark.parametrize(
    ("capacity", "waiting", "newcomers", "cancels"),
    [
        pytest.param(50, 50, 150, 5, marks=pytest.mark.postgres, id="postgres"),
        pytest.param(10, 10, 20, 3, id="small"),
    ],
)
async def test_cancels_under_load_promote_exactly_one_each(
    server, capacity, waiting, newcomers, cancels
):
    forum = await make_forum("rush", capacity=capacity, signup_limit_per_address=0)
    await services.ensure_categories(forum)
    first = await _burst(server, [body(i) for i in range(capacity + waiting)])
    line = sorted(
        (r.json() for r in first if r.json()["status"] == "waitlisted"),
        key=lambda a: a["waitlist_position"],
    )
    seated = [r.json() for r in first if r.json()["status"] == "confirmed"][:cancels]
    tokens = [a["manage_url"].rsplit("/", 1)[1] for a in seated]
    limits = httpx.Limits(max_connections=newcomers + 2 * cancels, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server, timeout=120, limits=limits) as client:
        calls = [
            client.post("/api/forums/rush/registrations", json=body(10_000 + i))
            for i in range(newcomers)
        ]
        # each cancel twice at once: a double tap must not free two seats
        calls += [client.post(f"/api/tickets/{t}/cancel") for t in tokens for _ in range(2)]
        results = await asyncio.gather(*calls)
    assert {r.status_code for r in results} <= {200, 201}
    rows = {r.id: r for r in await Registration.objects().where(Registration.forum == forum.id)}
    assert len([r for r in rows.values() if r.status == "confirmed"]) == capacity
    assert len([r for r in rows.values() if r.status == "cancelled"]) == cancels
    promoted = [a["id"] for a in line[:cancels]]
    assert all(rows[i].status == "confirmed" for i in promoted)
    assert all(rows[a["id"]].status == "waitlisted" for a in line[cancels:])
    assert await Outbox.count().where(Outbox.template == "promoted") == cancels
    assert await seats.taken(seats.forum_key(forum.id)) == capacity
