"""A database that cannot be reached answers 503 with Retry-After (a proxy then tries the
other host: deploy/nginx), in words a person understands, never a 500."""

from __future__ import annotations

import asyncpg
import pytest

from forum_mgmt.core import db

FAULTS = [
    ConnectionRefusedError(111, "Connection refused"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
]


@pytest.fixture
def database_gone(monkeypatch):
    def gone(fault):
        async def refuse(*args, **kwargs):
            raise fault

        engine = type(db.engine())  # its instances take no attributes of their own
        monkeypatch.setattr(engine, "run_querystring", refuse)
        monkeypatch.setattr(engine, "run_ddl", refuse)
        monkeypatch.setattr(db, "_pool_fetch", refuse)  # the hot path's straight statements

    return gone


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: type(f).__name__)
async def test_a_page_and_the_api_answer_503_while_the_database_is_gone(
    client, database_gone, fault
):
    database_gone(fault)
    page = await client.get("/forums/no-such-forum/agenda", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["retry-after"] == "30"
    assert "unavailable for a moment" in page.text
    assert "Traceback" not in page.text

    api = await client.get("/api/forums/no-such-forum/sessions")
    assert (api.status_code, api.json()["error"]) == (503, "unavailable")

    chinese = await client.get("/forums/no-such-forum/agenda?lang=zh-TW")
    assert chinese.status_code == 503
    assert "暫時無法使用" in chinese.text


async def test_an_error_of_ours_is_still_a_500(client, database_gone):
    database_gone(ValueError("a bug, not an outage"))
    response = await client.get("/api/forums/no-such-forum/sessions")
    assert (response.status_code, response.json()["error"]) == (500, "server_error")
