"""The address in links and mail: BASE_URL when set, else the one `forum-mgmt serve` listens
on; the names calendars know a forum by depend on neither the port nor the listen address."""

from __future__ import annotations

import json

import httpx
import icalendar

from forum_mgmt.core.settings import get_settings
from forum_mgmt.mail.tables import Outbox
from tests.factories import DAY, make_forum, make_room, make_session
from tests.registration.helpers import body
from tests.servers import running_server
from tests.test_cli import cli


async def _calendar(client: httpx.AsyncClient) -> icalendar.Calendar:
    response = await client.get("/forums/test-forum/agenda.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.text)


async def _served(url: str) -> tuple[icalendar.Calendar, str]:
    """The calendar and the ticket mail's link, from the server at `url`."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        calendar = await _calendar(client)
        signed = await client.post("/api/forums/test-forum/registrations", json=body(1))
        assert signed.status_code == 201, signed.text
    row = await Outbox.select(Outbox.context).where(Outbox.to == "person1@example.org").first()
    context = row["context"] if isinstance(row["context"], dict) else json.loads(row["context"])
    return calendar, json.dumps(context)


async def test_serve_links_and_mails_the_address_it_listens_on(client, monkeypatch):
    forum = await make_forum()
    await make_session(forum, "Opening", room=await make_room(forum))
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("FORUM_MGMT_LISTEN_URL", raising=False)
    get_settings.cache_clear()
    in_process = await _calendar(client)  # this process: no server, the default address
    with running_server() as url:
        calendar, mail = await _served(url)
    get_settings.cache_clear()
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":8000")
    [event] = calendar.events
    assert str(event["URL"]).startswith(f"{url}/forums/test-forum/sessions/")
    assert f'"{url}/tickets/' in mail
    # the calendar and its events keep their names, whatever the port
    assert calendar["UID"] == in_process["UID"]
    assert [e["UID"] for e in calendar.events] == [e["UID"] for e in in_process.events]


async def test_a_configured_base_url_wins_over_the_listen_address(monkeypatch):
    forum = await make_forum()
    await make_session(forum, "Opening", room=await make_room(forum))
    monkeypatch.setenv("BASE_URL", "https://forum.example.org")
    with running_server() as url:
        calendar, mail = await _served(url)
    [event] = calendar.events
    assert str(event["URL"]).startswith("https://forum.example.org/forums/test-forum/sessions/")
    assert '"https://forum.example.org/tickets/' in mail
    assert str(calendar["UID"]).endswith("@forum.example.org")


async def test_make_run_prints_its_own_port(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    done = cli(
        "demo",
        "--date",
        DAY.isoformat(),
        "--listen",
        "127.0.0.1:8150",
        DEMO_PASSWORD="demo-pass-2026",
        FORUM_MGMT_DATA=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Loaded the demo forum “NGO Leaders Forum 2026” on {DAY}: "
        "http://127.0.0.1:8150/forums/ngo-leaders-forum-2026",
        "Demo sign-in (organizer, then door staff):",
        "http://127.0.0.1:8150/login  demo-organizer / demo-pass-2026",
        "http://127.0.0.1:8150/login  demo-staff / demo-pass-2026",
    ]
    # the next `make run` on another port prints that port, not the first run's
    again = cli("demo", "--listen", "0.0.0.0:8151", FORUM_MGMT_DATA=str(tmp_path))
    assert again.stdout.splitlines()[-2:] == [
        "http://127.0.0.1:8151/login  demo-organizer / demo-pass-2026",
        "http://127.0.0.1:8151/login  demo-staff / demo-pass-2026",
    ]
