"""A group code under a rush: parallel sign-ups on a real server, exactly N get in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from forum_mgmt.invitations import services as invitations
from forum_mgmt.invitations.tables import GroupCode
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from tests.factories import make_forum
from tests.invitations.helpers import registration_form
from tests.servers import running_server


@pytest.fixture(scope="module")
def server(database) -> Iterator[str]:
    with running_server(workers=2) as url:
        time.sleep(1)  # the second worker comes up a moment after the first answers
        yield url


async def _burst(url: str, code: str, n: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        assert (await client.get(f"/forums/rush/group/{code}")).status_code == 200
        token = client.cookies["csrftoken"]  # the form's double-submit cookie, for every post
        return await asyncio.gather(
            *(
                client.post(
                    f"/forums/rush/group/{code}",
                    data={
                        **registration_form(name=f"Delegate {i}", email=f"d{i}@example.org"),
                        "_csrf_token": token,
                    },
                )
                for i in range(n)
            )
        )


@pytest.mark.parametrize(
    ("n", "uses"),
    [
        pytest.param(120, 25, marks=pytest.mark.postgres, id="postgres-120-for-25"),
        pytest.param(30, 5, id="30-for-5"),
    ],
)
async def test_a_rush_on_a_group_code_lets_exactly_its_uses_in(server, n, uses):
    forum = await make_forum("rush", capacity=0, signup_limit_per_address=0)
    vip = next(c for c in await registration.ensure_categories(forum) if c.code == "vip")
    code = await invitations.create_code(forum, vip, label="Rush", max_uses=uses)

    responses = await _burst(server, code.code, n)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] * uses + [409] * (n - uses)
    assert all("used as often as it may be" in r.text for r in responses if r.status_code == 409)
    assert await Registration.count().where(Registration.forum == forum.id) == uses
    assert (await GroupCode.objects().where(GroupCode.id == code.id).first()).uses == uses
