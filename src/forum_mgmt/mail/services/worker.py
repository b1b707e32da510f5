"""The worker: one per process, woken after each request that queued mail."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from forum_mgmt.core import background
from forum_mgmt.mail.services.outbox import send_all

log = logging.getLogger("forum_mgmt.mail")

QUIET = 0.5  # seconds without new mail before a delivery run starts
MAX_DELAY = 20.0  # seconds: the longest a busy process postpones delivery


_wake: asyncio.Event | None = None
_task: asyncio.Task | None = None


def kick() -> None:
    """Ask this process's worker to deliver now (after the caller's commit)."""
    if _wake is not None:
        _wake.set()


async def _work() -> None:
    assert _wake is not None  # noqa: S101 - set by start_worker
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wake.wait(), timeout=60)
        # While requests keep queueing mail (a rush of sign-ups), let them have the CPU:
        # deliver once QUIET passes without a new wake-up, or after MAX_DELAY at the latest.
        deadline = asyncio.get_running_loop().time() + MAX_DELAY
        while asyncio.get_running_loop().time() < deadline:
            _wake.clear()
            try:
                await asyncio.wait_for(_wake.wait(), timeout=QUIET)
            except TimeoutError:
                break
        _wake.clear()
        try:
            await send_all()
        except Exception:  # the database may be away for a moment; the timer retries
            log.exception("mail delivery run failed")


async def start_worker() -> None:
    """Deliver from this process; MAIL_WORKER=off leaves it to `forum-mgmt mail send`."""
    global _wake, _task
    if os.environ.get("MAIL_WORKER", "on").lower() in ("off", "0", "false", "no"):
        return
    _wake = asyncio.Event()
    _wake.set()  # deliver what waited while no process ran
    _task = asyncio.create_task(_work())


async def stop_worker() -> None:
    global _wake, _task
    await background.stop(_task)
    _wake, _task = None, None
