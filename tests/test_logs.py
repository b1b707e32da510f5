"""No secret reaches a log line: ticket links, API tokens, device codes, bearer headers."""

from __future__ import annotations

import logging

import httpx
import pytest

from forum_mgmt.core.logs import MARK, redact
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from tests.checkin.helpers import device_code, open_forum
from tests.factories import bearer, make_user
from tests.registration.helpers import person
from tests.servers import running_server

TOKEN = "fm_" + "A1b2C3d4" * 5
CODE = "fmd_Zx9-Yw8_Vu7Ts6Rq5Po4"
TICKET = "q5HgT0wNbW2kP3sLr8vYx7cZ1mJdF4aE"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /tickets/{TICKET} HTTP/1.1", f"GET /tickets/{MARK} HTTP/1.1"),
        (f"/tickets/{TICKET}/qr.svg", f"/tickets/{MARK}/qr.svg"),
        (f"POST /api/tickets/{TICKET}/cancel", f"POST /api/tickets/{MARK}/cancel"),
        (f"/checkin/tf/device?token={TOKEN}&lang=en", f"/checkin/tf/device?token={MARK}&lang=en"),
        (f"/checkin/tf/device?code={CODE}", f"/checkin/tf/device?code={MARK}"),
        (f"pasted {TOKEN} here", f"pasted fm_{MARK} here"),
        (f"pasted {CODE}.", f"pasted fmd_{MARK}."),
        (f"GET /team-invitation/fmt_{TICKET}/new", f"GET /team-invitation/{MARK}/new"),
        (f"/login?next=/team-invitation/fmt_{TICKET}", f"/login?next=/team-invitation/{MARK}"),
        (f"pasted fmt_{TICKET} here", f"pasted fmt_{MARK} here"),
        (f"{{'authorization': 'Bearer {TOKEN}'}}", f"{{'authorization': 'Bearer {MARK}'}}"),
        ("Authorization: bearer s3cr3t", f"Authorization: bearer {MARK}"),
        ("GET /forums/tf/agenda?day=2026-12-05", "GET /forums/tf/agenda?day=2026-12-05"),
        ("status_code=200 forum_mgmt", "status_code=200 forum_mgmt"),
    ],
)
def test_redact_replaces_each_kind_of_secret(line, expected):
    assert redact(line) == expected


def test_every_logger_of_the_app_is_redacted(app, caplog):
    """Our loggers' children too (a filter on `forum_mgmt` alone would miss them), in the
    arguments, and in a traceback's text."""
    caplog.set_level(logging.INFO)
    logging.getLogger("forum_mgmt.mail").warning("mail for %s failed", f"/tickets/{TICKET}")
    logging.getLogger("litestar").info("%(path)s", {"path": f"/x?token={TOKEN}"})
    try:
        raise ValueError(f"bad header Bearer {TOKEN}")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    assert [r.getMessage() for r in caplog.records] == [
        f"mail for /tickets/{MARK} failed",
        f"/x?token={MARK}",
        "Exception in ASGI application",
    ]
    assert f"ValueError: bad header Bearer {MARK}" in caplog.text
    for secret in (TICKET, TOKEN):
        assert secret not in caplog.text


async def test_a_real_servers_log_holds_no_ticket_link_token_or_code(tmp_path):
    forum = await open_forum("tf")
    reg = (await registration.register(forum, person(1))).registration
    _user, token = await make_user("door", role=Role.STAFF, forum=forum)
    code = await device_code(token, "tf")
    log = tmp_path / "server.log"
    with running_server(env={"LOG_LEVEL": "info"}, output=log) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            answers = [
                await client.get(f"/tickets/{reg.token}"),
                await client.get(f"/tickets/{reg.token}/qr.svg"),
                await client.get(f"/checkin/tf/device?code={code}"),
                await client.get(f"/checkin/tf/device?token={token}"),
                await client.get("/api/forums/tf/checkin-data", headers=bearer(token)),
            ]
    assert [a.status_code for a in answers] == [200, 200, 200, 410, 200]
    text = log.read_text()
    for secret in (reg.token, token, code):
        assert secret not in text
    assert f'"GET /tickets/{MARK} HTTP/1.1" 200' in text
    assert f'"GET /tickets/{MARK}/qr.svg HTTP/1.1" 200' in text
    assert f'"GET /checkin/tf/device?code={MARK} HTTP/1.1" 200' in text
    assert f'"GET /checkin/tf/device?token={MARK} HTTP/1.1" 410' in text
