"""Background tasks of a served process (mail delivery, retention, the change listener)."""

from __future__ import annotations

import asyncio
import contextlib


async def stop(task: asyncio.Task | None) -> None:
    """Cancel a background task and wait until it has stopped (on_shutdown)."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
