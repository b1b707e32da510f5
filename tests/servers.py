"""A real forum-mgmt server in a subprocess, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(
    *, workers: int = 1, env: dict[str, str] | None = None, output: Path | None = None
) -> Iterator[str]:
    """A server on the tests' database. Its mail worker is off unless `env` turns it on:
    a long-lived server delivering every minute would send the mail that other tests,
    running meanwhile, expect to find still queued. With `output`, what the server writes
    (stdout and stderr: its logs) goes to that file."""
    port = free_port()
    files = ExitStack()
    sink = files.enter_context(output.open("wb")) if output else None
    proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [
            sys.executable,
            "-m",
            "forum_mgmt.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env={**os.environ, "LOG_LEVEL": "warning", "MAIL_WORKER": "off", **(env or {})},
        stdout=sink,
        stderr=sink,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                # 503 too: a server whose Redis is down is up, and says so
                if httpx.get(f"{url}/healthz", timeout=1).status_code in (200, 503):
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        files.close()
