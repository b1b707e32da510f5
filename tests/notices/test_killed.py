"""Exactly once, even when the server dies: a real `forum-mgmt serve` takes the change over
HTTP, is SIGKILLed before any mail goes, and `forum-mgmt mail send` then delivers exactly
one notice per person to a real SMTP server; running it again sends nothing more."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.notices import services as notices
from forum_mgmt.notices.tables import PendingNotice
from tests.factories import at
from tests.notices.world import build
from tests.servers import free_port
from tests.test_cli import cli


def _serve(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "forum_mgmt.cli", "serve", "--port", str(port)],
        # no worker: nothing may go out before the kill (the point is what survives it)
        env={**os.environ, "LOG_LEVEL": "warning", "MAIL_WORKER": "off"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60  # two cores shared with other test runs
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            # ours, not another process that took the port first (ours would have died)
            if answer.status_code in (200, 503) and proc.poll() is None:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server did not start (exit code {proc.wait(timeout=10)})")


async def test_a_server_killed_after_the_change_loses_no_notice_and_sends_none_twice(client, smtp):
    inbox = smtp()
    world = await build(client, notice_delay_minutes=0)  # due at the next delivery
    await mail.send_all()  # the confirmations
    inbox.messages.clear()
    port = free_port()
    server = _serve(port)
    try:
        moved = httpx.patch(
            f"http://127.0.0.1:{port}/api/forums/nf/sessions/{world.workshop.id}",
            json={"starts_at": at("16:30"), "ends_at": at("17:30")},
            headers=world.auth,
            timeout=60,
        )
        assert moved.status_code == 200, moved.text
        server.send_signal(signal.SIGKILL)
        assert server.wait(timeout=10) == -signal.SIGKILL  # killed, not exited
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    # The change is committed with its notices; nothing was sent or queued yet.
    assert await PendingNotice.count() == 3
    assert await Outbox.count().where(Outbox.template == notices.TEMPLATE) == 0
    assert inbox.messages == []

    sent = cli("mail", "send")
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == "Sent 3 message(s); failures stay queued for the next run.\n"
    again = cli("mail", "send")
    assert again.stdout == "Sent 0 message(s); failures stay queued for the next run.\n"

    assert sorted(m["To"] for m in inbox.messages) == [
        "alice@example.org",
        "bob@example.org",
        "speaker@example.org",
    ]
    day = at("10:00")[:10]
    for message in inbox.messages:
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert f"{day} 10:00–11:00 → {day} 16:30–17:30" in body
    assert await PendingNotice.count() == 0
