"""Registration rush: 5,000 sign-ups for 1,000 seats, as fast as they come.

One command, against a real server with two workers (started here unless --url is given):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_reg_bench \\
        .venv/bin/python bench/registration_rush.py

It migrates the database, creates a fresh published forum (capacity 1,000, waiting list),
sends the sign-ups over loopback with bounded concurrency, prints sign-ups per second and
p50 / p99 latency, then checks exactness in the database: 1,000 confirmed, 4,000
waitlisted, and every answer's place in line is its place in the database's line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]


async def _setup(capacity: int) -> str:
    from forum_mgmt.core import db
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.schemas import ForumIn
    from forum_mgmt.registration import services

    await db.open_pool()
    try:
        org = await forums.ensure_organisation("bench", name="Benchmark")
        slug = f"rush-{int(time.time())}"
        today = time.gmtime()
        import datetime as dt

        day = dt.date(today.tm_year, today.tm_mon, today.tm_mday) + dt.timedelta(days=30)
        forum = await forums.create_forum(
            org,
            # Every sign-up comes from this one machine: no per-address limit.
            ForumIn(
                slug=slug,
                name="Rush",
                starts_on=day,
                ends_on=day,
                capacity=capacity,
                signup_limit_per_address=0,
            ),
        )
        forum = await forums.publish(forum)
        await services.ensure_categories(forum)
        return slug
    finally:
        await db.close_pool()


async def _verify(slug: str, answers: list[dict], capacity: int) -> list[str]:
    from forum_mgmt.core import db
    from forum_mgmt.forums import services as forums
    from forum_mgmt.registration import services

    await db.open_pool()
    try:
        forum = await forums.get_forum(slug)
        rows = []
        offset = 0
        while batch := await services.list_registrations(forum, limit=1000, offset=offset):
            rows += batch
            offset += 1000
    finally:
        await db.close_pool()
    problems = []
    by_id = {row.registration.id: row for row in rows}
    confirmed = sum(1 for r in rows if r.registration.status == "confirmed")
    waiting = sorted(
        (r for r in rows if r.registration.status == "waitlisted"),
        key=lambda r: r.registration.waitlist_order,
    )
    expected_waiting = len(answers) - capacity
    if confirmed != capacity:
        problems.append(f"{confirmed} confirmed, expected {capacity}")
    if len(waiting) != expected_waiting:
        problems.append(f"{len(waiting)} waitlisted, expected {expected_waiting}")
    if [r.waitlist_position for r in waiting] != list(range(1, len(waiting) + 1)):
        problems.append("the waiting list's places are not 1..n in line order")
    if set(by_id) != {a["id"] for a in answers}:
        problems.append("accepted answers and database rows differ")
    for a in answers:
        row = by_id.get(a["id"])
        if row is None:
            continue
        if row.registration.status != a["status"]:
            problems.append(f"registration {a['id']}: answered {a['status']}, stored other")
            break
        if a["waitlist_position"] != row.waitlist_position:
            problems.append(f"registration {a['id']}: answered place {a['waitlist_position']}")
            break
    return problems


class Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator shares the server's two
    cores, so it should spend as little of them as it can (httpx costs ~5x more)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: dict, headers: str = "") -> tuple[int, dict]:
        """`headers`: extra header lines, each ending in CRLF."""
        status, body = await self.send("POST", path, json.dumps(payload).encode(), headers)
        return status, json.loads(body) if body else {}

    async def get(self, path: str, headers: str = "") -> tuple[int, dict]:
        status, body = await self.send("GET", path, b"", headers)
        return status, json.loads(body) if body else {}

    async def send(self, method: str, path: str, data: bytes, headers: str) -> tuple[int, bytes]:
        """The status and the body as sent (not decoded, not unpacked)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        kind = "Content-Type: application/json\r\n" if data else ""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{kind}"
            f"{headers}Content-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        assert self.reader is not None  # noqa: S101
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, body


async def _rush(url: str, slug: str, total: int, concurrency: int):
    latencies: list[float] = []
    answers: list[dict] = []
    failures: dict = {}
    queue = iter(range(total))
    run = int(time.time())
    parts = urlsplit(url)
    path = f"/api/forums/{slug}/registrations"

    async def worker() -> None:
        connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        for n in queue:
            body = {
                "name": f"Rush Person {n}",
                "email": f"rush{run}-{n}@example.org",
                "organization": "Benchmark",
                "country": "TW",
                "consent": True,
            }
            started = time.perf_counter()
            try:
                status, answer = await connection.post(path, body)
            except (OSError, asyncio.IncompleteReadError) as err:
                failures[type(err).__name__] = failures.get(type(err).__name__, 0) + 1
                connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
                continue
            latencies.append(time.perf_counter() - started)
            if status == 201:
                answers.append(answer)
            else:
                failures[status] = failures.get(status, 0) + 1
        if connection.writer is not None:
            connection.writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answers, latencies, failures, time.perf_counter() - started


async def _mail_drained(timeout: float = 300) -> float:
    """Seconds until the server's workers delivered every queued message."""
    from forum_mgmt.core import db
    from forum_mgmt.mail.tables import MailStatus, Outbox

    started = time.perf_counter()
    await db.open_pool()
    try:
        while time.perf_counter() - started < timeout:
            waiting = await Outbox.count().where(
                Outbox.status.is_in([MailStatus.QUEUED, MailStatus.SENDING])
            )
            if not waiting:
                break
            await asyncio.sleep(0.5)
    finally:
        await db.close_pool()
    return time.perf_counter() - started


def _cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its children, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _serve(port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - our own CLI
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
        env={**os.environ, "LOG_LEVEL": "warning"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                time.sleep(1.5)  # let every worker come up
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running server (default: start one on --port)")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--signups", type=int, default=5000)
    p.add_argument("--seats", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=64)
    args = p.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the figures will be SQLite's")
    subprocess.run(
        [sys.executable, "-m", "forum_mgmt.cli", "migrate"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    slug = asyncio.run(_setup(args.seats))
    proc = None if args.url else _serve(args.port, args.workers)
    url = args.url or f"http://127.0.0.1:{args.port}"
    load = os.getloadavg()[0]
    cpu_before = _cpu_seconds(proc.pid) if proc else 0.0
    try:
        answers, latencies, failures, elapsed = asyncio.run(
            _rush(url, slug, args.signups, args.concurrency)
        )
        cpu = _cpu_seconds(proc.pid) - cpu_before if proc else 0.0
        mailed_after = asyncio.run(_mail_drained()) if proc else 0.0
        cpu_mail = _cpu_seconds(proc.pid) - cpu_before if proc else 0.0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"forum {slug}: {args.signups} sign-ups for {args.seats} seats, "
        f"{args.concurrency} at a time, {args.workers} workers"
    )
    print(
        f"{args.signups / elapsed:.0f} sign-ups/s ({elapsed:.2f} s); "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; non-201: {failures or 'none'}"
    )
    if proc is not None:
        print(
            f"server CPU: {cpu * 1000 / args.signups:.1f} ms per sign-up during the rush, "
            f"{cpu_mail * 1000 / args.signups:.1f} ms with its mail delivered "
            f"(all mail out {mailed_after:.1f} s after the rush); "
            f"load average at start {load:.2f} on {os.cpu_count()} cores"
        )
    problems = asyncio.run(_verify(slug, answers, args.seats))
    confirmed = sum(1 for a in answers if a["status"] == "confirmed")
    waiting = sum(1 for a in answers if a["status"] == "waitlisted")
    if problems:
        print("EXACTNESS FAILED: " + "; ".join(problems))
        return 1
    print(f"exact: {confirmed} confirmed, {waiting} waitlisted in order (checked in the database)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
