"""Check-in rush: 2,000 tickets scanned by 50 scanners at once, then again with 10% repeats.

One command, against a real server with two workers (started here unless --url is given):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_checkin_bench \\
        .venv/bin/python bench/checkin.py

It migrates the database, creates a forum open for check-in today with 2,000 confirmed
registrations and their tickets (through the services) and a staff token, then:
pass 1 scans every code once (every answer must be `ok`); then every check-in is marked
undone in the database, and pass 2 scans 2,000 codes of which 10% repeat a code of the same
pass (1,800 `ok`, 200 `already_checked_in`, in random order). It prints scans/s and p50 / p99.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

from registration_rush import Connection, _cpu_seconds, _serve


async def _setup(people: int) -> tuple[str, str, list[str], list[str]]:
    """(slug, staff token, codes for pass 1, codes for pass 2) of a fresh forum."""
    from piccolo.apps.user.tables import BaseUser

    from forum_mgmt.accounts import services as accounts
    from forum_mgmt.core import db
    from forum_mgmt.core import time as clock
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.schemas import ForumIn
    from forum_mgmt.forums.tables import Role
    from forum_mgmt.mail.tables import MailStatus, Outbox
    from forum_mgmt.registration import services
    from forum_mgmt.registration.schemas import RegistrationIn
    from forum_mgmt.tickets import services as tickets

    await db.open_pool()
    try:
        org = await forums.ensure_organisation("bench", name="Benchmark")
        run = int(time.time())
        slug = f"checkin-{run}"
        today = clock.today("Asia/Taipei")
        forum = await forums.create_forum(
            org, ForumIn(slug=slug, name="Check-in rush", starts_on=today, ends_on=today)
        )
        forum = await forums.publish(forum)
        codes = []
        for n in range(people):
            outcome = await services.register(
                forum,
                RegistrationIn(
                    name=f"Scan Person {n}",
                    name_local="掃描測試",
                    email=f"scan{run}-{n}@example.org",
                    organization="Benchmark",
                    country="TW",
                    consent=True,
                ),
            )
            codes.append((await tickets.issue(forum, outcome.registration)).code)
            if n % 500 == 499:
                print(f"  {n + 1} tickets issued", flush=True)
        # The confirmation mails are not what is measured: keep the server's mail worker idle.
        await Outbox.update({Outbox.status: MailStatus.SENT}).where(
            (Outbox.status == MailStatus.QUEUED) & Outbox.to.like(f"scan{run}-%")
        )
        user = BaseUser(
            username=f"scanner-{run}",
            email=f"scanner-{run}@bench.invalid",
            password=os.urandom(8).hex(),
            active=True,
        )
        await user.save()
        await forums.grant(forum, user, Role.STAFF)
        _token, secret = await accounts.create_token(user, "bench")
    finally:
        await db.close_pool()
    rng = random.Random(run)
    fresh = codes[: people - people // 10]
    second = fresh + rng.sample(fresh, people // 10)
    rng.shuffle(second)
    return slug, secret, codes, second


async def _undo_all(slug: str) -> None:
    """Between the passes: every check-in of the bench forum undone, so pass 2 starts fresh."""
    from forum_mgmt.checkin.tables import Checkin
    from forum_mgmt.core import db
    from forum_mgmt.core import time as clock
    from forum_mgmt.forums.tables import Forum

    await db.open_pool()
    try:
        forum = await Forum.select(Forum.id).where(Forum.slug == slug).first()
        await Checkin.update({Checkin.undone_at: clock.now()}).where(
            (Checkin.forum == forum["id"]) & Checkin.undone_at.is_null()
        )
    finally:
        await db.close_pool()


async def _scan(url: str, slug: str, token: str, codes: list[str], concurrency: int, gate: str):
    latencies: list[float] = []
    results: Counter = Counter()
    queue = iter(codes)
    parts = urlsplit(url)
    path = f"/api/forums/{slug}/checkins"
    auth = f"Authorization: Bearer {token}\r\n"

    connections = [
        Connection(parts.hostname or "127.0.0.1", parts.port or 80) for _ in codes[:concurrency]
    ]
    # Not timed: each scanner first loads the forum's check-in key, as the scanner page does
    # when it opens, so the connections, the pool and each worker's caches are warm.
    await asyncio.gather(*(c.get(f"/api/forums/{slug}/checkin-key", auth) for c in connections))

    async def scanner(n: int, connection: Connection) -> None:
        for code in queue:
            started = time.perf_counter()
            status, answer = await connection.post(
                path, {"code": code, "gate": f"{gate}-{n % 8}"}, auth
            )
            latencies.append(time.perf_counter() - started)
            results[answer.get("result") if status == 200 else status] += 1
        if connection.writer is not None:
            connection.writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(scanner(n, c) for n, c in enumerate(connections)))
    return results, latencies, time.perf_counter() - started


def _report(label: str, n: int, results: Counter, latencies: list[float], elapsed: float):
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"{label}: {n / elapsed:.0f} scans/s ({n} in {elapsed:.2f} s); "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; answers {dict(results)}"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running server (default: start one on --port)")
    p.add_argument("--port", type=int, default=8091)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--people", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=50)
    args = p.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the figures will be SQLite's")
    subprocess.run(
        [sys.executable, "-m", "forum_mgmt.cli", "migrate"], check=True, stdout=subprocess.DEVNULL
    )
    print(f"setting up {args.people} confirmed tickets...", flush=True)
    slug, token, first, second = asyncio.run(_setup(args.people))
    proc = None if args.url else _serve(args.port, args.workers)
    url = args.url or f"http://127.0.0.1:{args.port}"
    load = os.getloadavg()[0]
    cpu_before = _cpu_seconds(proc.pid) if proc else 0.0
    try:
        r1, l1, e1 = asyncio.run(_scan(url, slug, token, first, args.concurrency, "north"))
        asyncio.run(_undo_all(slug))
        r2, l2, e2 = asyncio.run(_scan(url, slug, token, second, args.concurrency, "south"))
        cpu = _cpu_seconds(proc.pid) - cpu_before if proc else 0.0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        f"forum {slug}: {args.people} tickets, {args.concurrency} scanners, "
        f"{args.workers} workers; load average at start {load:.2f} on {os.cpu_count()} cores"
    )
    _report("pass 1, first scans", len(first), r1, l1, e1)
    _report("pass 2, with 10% repeats", len(second), r2, l2, e2)
    if proc is not None:
        print(f"server CPU: {cpu * 1000 / (len(first) + len(second)):.2f} ms per scan")
    repeats = len(second) - len(set(second))
    ok = r1 == Counter({"ok": len(first)}) and r2 == Counter(
        {"ok": len(set(second)), "already_checked_in": repeats}
    )
    if not ok:
        print("UNEXPECTED ANSWERS: pass 1 must be all ok, pass 2 ok once per code")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
