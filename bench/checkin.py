"""Check-in rush: 2,000 tickets scanned by 50 scanners at once, then again with 10% repeats.

One command, against a real server with two workers (started here unless --url is given):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_checkin_bench \\
        .venv/bin/python bench/checkin.py

It migrates the database, creates a forum open for check-in today with 2,000 confirmed
registrations and their tickets (through the services) and a staff token, then:
pass 1 scans every code once (every answer must be `ok`); then every check-in is marked
undone in the database, and pass 2 scans 2,000 codes of which 10% repeat a code of the same
pass (1,800 `ok`, 200 `already_checked_in`, in random order). It prints scans/s, p50 / p99
and, from /proc, the CPU time per scan of the server (all its processes), of PostgreSQL's
backends for this database and of this load generator, measured around each timed pass.

`--think MS`: each scanner waits a random 0-MS ms between its scans (a door, not a flood);
the default 0 scans flat out. `--runs N` repeats both passes N times on the same tickets
(every check-in undone before each pass) and prints the min / median.
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
from dataclasses import dataclass
from pathlib import Path
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


def _postgres_cpu(database: str) -> float:
    """CPU seconds of PostgreSQL's backends connected to `database` (by their process title)."""
    tick = os.sysconf("SC_CLK_TCK")
    title = b"postgres: "
    total = 0.0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if not cmdline.startswith(title) or f" {database} ".encode() not in cmdline:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _steal_and_busy() -> tuple[int, int, int]:
    """(steal, busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return fields[7], sum(fields) - idle, sum(fields)


@dataclass
class Pass:
    label: str
    results: Counter
    latencies: list[float]
    elapsed: float
    server_cpu: float  # seconds, all the server's processes
    postgres_cpu: float  # seconds, the backends of this database
    client_cpu: float  # seconds, this process
    machine: tuple[float, float]  # (busy, steal) share of the machine's CPU time meanwhile
    load: float


async def _scan(
    url: str,
    slug: str,
    token: str,
    codes: list[str],
    concurrency: int,
    gate: str,
    *,
    server: int | None,
    database: str,
    think: float,
) -> Pass:
    latencies: list[float] = []
    results: Counter = Counter()
    queue = iter(codes)
    parts = urlsplit(url)
    path = f"/api/forums/{slug}/checkins"
    auth = f"Authorization: Bearer {token}\r\n"
    rng = random.Random(gate)

    connections = [
        Connection(parts.hostname or "127.0.0.1", parts.port or 80) for _ in codes[:concurrency]
    ]
    # Not timed: each scanner first loads the forum's check-in key, as the scanner page does
    # when it opens, so the connections, the pool and each worker's caches are warm.
    await asyncio.gather(*(c.get(f"/api/forums/{slug}/checkin-key", auth) for c in connections))

    async def scanner(n: int, connection: Connection) -> None:
        for code in queue:
            if think:
                await asyncio.sleep(rng.uniform(0, think))
            started = time.perf_counter()
            status, answer = await connection.post(
                path, {"code": code, "gate": f"{gate}-{n % 8}"}, auth
            )
            latencies.append(time.perf_counter() - started)
            results[answer.get("result") if status == 200 else status] += 1
        if connection.writer is not None:
            connection.writer.close()

    load = os.getloadavg()[0]
    server_before = _cpu_seconds(server) if server else 0.0
    postgres_before = _postgres_cpu(database)
    steal_before, busy_before, total_before = _steal_and_busy()
    client_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(scanner(n, c) for n, c in enumerate(connections)))
    elapsed = time.perf_counter() - started
    client = time.process_time() - client_before
    steal, busy, total = (
        a - b
        for a, b in zip(_steal_and_busy(), (steal_before, busy_before, total_before), strict=True)
    )
    server_cpu = _cpu_seconds(server) - server_before if server else 0.0
    postgres = _postgres_cpu(database) - postgres_before
    machine = (busy / total if total else 0.0, steal / total if total else 0.0)
    return Pass(gate, results, latencies, elapsed, server_cpu, postgres, client, machine, load)


def _report(label: str, run: Pass) -> None:
    n = len(run.latencies)
    latencies = sorted(run.latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"{label}: {n / run.elapsed:.0f} scans/s ({n} in {run.elapsed:.2f} s); "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; answers {dict(run.results)}"
    )
    print(
        f"  CPU per scan: server {run.server_cpu * 1000 / n:.3f} ms, "
        f"PostgreSQL {run.postgres_cpu * 1000 / n:.3f} ms, "
        f"generator {run.client_cpu * 1000 / n:.3f} ms; "
        f"machine {run.machine[0] * 100:.0f} % busy ({run.machine[1] * 100:.1f} % steal), "
        f"load average at start {run.load:.2f}"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running server (default: start one on --port)")
    p.add_argument("--port", type=int, default=8091)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--people", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--think", type=float, default=0, help="think time: random 0-THINK ms")
    p.add_argument("--runs", type=int, default=1, help="repeat both passes (bounded: <= 10)")
    args = p.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the figures will be SQLite's")
    database = urlsplit(database_url).path.lstrip("/")
    subprocess.run(
        [sys.executable, "-m", "forum_mgmt.cli", "migrate"], check=True, stdout=subprocess.DEVNULL
    )
    print(f"setting up {args.people} confirmed tickets...", flush=True)
    slug, token, first, second = asyncio.run(_setup(args.people))
    proc = None if args.url else _serve(args.port, args.workers)
    url = args.url or f"http://127.0.0.1:{args.port}"
    server = proc.pid if proc else None
    think = args.think / 1000
    mode = f"random think time 0-{args.think:g} ms" if args.think else "flat out"
    print(
        f"forum {slug}: {args.people} tickets, {args.concurrency} scanners ({mode}), "
        f"{args.workers} workers, {os.cpu_count()} cores",
        flush=True,
    )
    ok = True
    per_scan: list[float] = []
    try:
        for run in range(1, min(args.runs, 10) + 1):
            passes = []
            for label, codes in (("first scans", first), ("with 10% repeats", second)):
                asyncio.run(_undo_all(slug))
                gate = f"run{run}-{label[:5]}"
                done = asyncio.run(
                    _scan(
                        url,
                        slug,
                        token,
                        codes,
                        args.concurrency,
                        gate,
                        server=server,
                        database=database,
                        think=think,
                    )
                )
                _report(f"run {run}, {label}", done)
                passes.append(done)
            r1, r2 = passes[0].results, passes[1].results
            repeats = len(second) - len(set(second))
            if r1 != Counter({"ok": len(first)}) or r2 != Counter(
                {"ok": len(set(second)), "already_checked_in": repeats}
            ):
                print("UNEXPECTED ANSWERS: pass 1 must be all ok, pass 2 ok once per code")
                ok = False
            per_scan += [p.server_cpu * 1000 / len(p.latencies) for p in passes]
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    if proc is not None:
        print(
            f"server CPU per scan over {len(per_scan)} passes: min {min(per_scan):.3f} ms, "
            f"median {statistics.median(per_scan):.3f} ms"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
