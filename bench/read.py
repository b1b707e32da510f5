"""Read throughput of a forum's public agenda and exports, as a share of the stack's ceiling.

One command (loopback only): it migrates, builds its forums through the services, starts
`forum-mgmt serve` (or uses --url) and bench/ceiling.py (the same uvicorn, same workers,
no app: each read's own body stored), then loads each read and its 304 (If-None-Match),
ceiling and app interleaved, and prints req/s, p50 / p99 and the app's share of the
ceiling. Then it loads the agenda page of a forum running today across minute boundaries
(--minutes) and prints p99 per minute and around each turn of the minute.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_bench \
        .venv/bin/python bench/read.py --port 8070 --workers 2

The load generator is `wrk` (50 connections) when installed, else a Python keep-alive
loop (bench/registration_rush.py's); the per-minute run always uses the Python loop,
which stamps each request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from registration_rush import Connection

SLUG = "bench-forum-300"
DAYS = 3
ROOMS = 5
SLOTS = 20  # 30-minute slots a day, 08:00-18:00
SPEAKERS = 150
HEADERS = {"accept-encoding": "gzip"}
PAGES = {
    "agenda page": "/forums/{slug}/agenda",
    "agenda.ics": "/forums/{slug}/agenda.ics",
    "schedule.xml": "/forums/{slug}/schedule.xml",
    "schedule.json": "/forums/{slug}/schedule.json",
    "sessions API": "/api/forums/{slug}/sessions",
}
RUNNING = "bench-running-300"  # the same forum, on today (and two days more): "now" moves


async def ensure_forum(slug: str = SLUG, first: dt.date | None = None) -> str:
    """The benchmark forum, built through the services the app uses (once)."""
    from forum_mgmt.agenda import services as agenda
    from forum_mgmt.agenda.schemas import RoomIn, SessionIn, SessionSpeakerIn, SpeakerIn, TrackIn
    from forum_mgmt.core import db
    from forum_mgmt.core import time as clock
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.schemas import ForumIn
    from forum_mgmt.forums.tables import Forum

    await db.open_pool()
    try:
        if await Forum.exists().where(Forum.slug == slug):
            return slug
        tz, first = "Asia/Taipei", first or dt.date(2026, 12, 1)
        async with db.transaction():
            org = await forums.ensure_organisation("bench", name="Benchmark organiser")
            forum = await forums.create_forum(
                org,
                ForumIn(
                    slug=slug,
                    name="Benchmark Forum",
                    name_local="效能測試論壇",
                    starts_on=first,
                    ends_on=first + dt.timedelta(days=DAYS - 1),
                    timezone=tz,
                    venue="Taipei",
                    venue_local="臺北",
                ),
            )
            rooms = [
                await agenda.add_room(forum, RoomIn(name=f"Room {i}", name_local=f"{i} 號廳"))
                for i in range(1, ROOMS + 1)
            ]
            tracks = [
                await agenda.add_track(forum, TrackIn(name=f"Track {i}", name_local=f"主題 {i}"))
                for i in range(1, 5)
            ]
            speakers = [
                await agenda.add_speaker(
                    forum,
                    SpeakerIn(
                        name=f"Speaker {i}",
                        name_local=f"講者{i}",
                        organization=f"Organisation {i % 40}",
                        bio="A speaker of the benchmark forum. " * 5,
                    ),
                )
                for i in range(SPEAKERS)
            ]
            n = 0
            for day in range(DAYS):
                date = first + dt.timedelta(days=day)
                for slot in range(SLOTS):
                    start = dt.time(8 + slot // 2, 30 * (slot % 2))
                    starts_at = clock.at(date, start, tz)
                    for r, room in enumerate(rooms):
                        people = [speakers[n % SPEAKERS], speakers[(n + 75) % SPEAKERS]]
                        await agenda.add_session(
                            forum,
                            SessionIn(
                                title=f"Session {n + 1}: on partnerships and practice",
                                title_local=f"第 {n + 1} 場：夥伴關係與實務",
                                abstract="What NGOs learn from working together. " * 6,
                                abstract_local="非政府組織合作的經驗。" * 6,
                                starts_at=starts_at,
                                ends_at=starts_at + dt.timedelta(minutes=25),
                                room_id=room.id,
                                track_id=tracks[(slot + r) % len(tracks)].id,
                                speakers=[SessionSpeakerIn(sp.id) for sp in people[: 1 + n % 2]],
                            ),
                        )
                        n += 1
            await forums.publish(forum)
        return slug
    finally:
        await db.close_pool()


async def _load(
    url: str, requests: int, concurrency: int, extra: str = "", until: float = 0.0
) -> tuple[list[tuple[float, float]], int]:
    """(when, latency) of each request, and how many failed: `requests` in all, or as many
    as fit until the wall-clock time `until`."""
    stamps: list[tuple[float, float]] = []
    failures = 0
    remaining = requests
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # The body is read as sent (gzip, as calendar services ask for it), not unpacked: the
    # load generator shares the machine with the server.
    headers = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items()) + extra

    async def worker() -> None:
        nonlocal remaining, failures
        connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        while (time.time() < until) if until else remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            status, _body = await connection.send("GET", path, b"", headers)
            stamps.append((time.time(), time.perf_counter() - began))
            if status not in (200, 304):
                failures += 1
        if connection.writer is not None:
            connection.writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stamps, failures


def _process(args: tuple) -> tuple[list[tuple[float, float]], int]:
    return asyncio.run(_load(*args))


def _summary(latencies: list[float], elapsed: float, failures: int) -> dict:
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "failures": failures,
    }


def python_loop(url: str, args: argparse.Namespace, extra: str = "") -> dict:
    asyncio.run(_load(url, 50, 4, extra))  # warm-up: connections, caches, templates
    share = (url, args.requests // args.processes, max(1, args.concurrency // args.processes))
    began = time.perf_counter()
    with multiprocessing.Pool(args.processes) as pool:
        results = pool.map(_process, [(*share, extra)] * args.processes)
    elapsed = time.perf_counter() - began
    latencies = [x for stamps, _f in results for _t, x in stamps]
    return _summary(latencies, elapsed, sum(f for _s, f in results))


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, args: argparse.Namespace, extra: dict[str, str]) -> dict:
    headers = [x for k, v in {**HEADERS, **extra}.items() for x in ("-H", f"{k}: {v}")]
    command = ["wrk", "-t2", f"-c{args.concurrency}", f"-d{args.seconds}s", "--latency"]
    out = subprocess.run(  # noqa: S603 - wrk, fixed arguments, a loopback URL
        [*command, *headers, url], capture_output=True, text=True, check=True
    ).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1]),  # type: ignore[index]
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1]),  # type: ignore[index]
        "failures": (int(failed[1]) if failed else 0)
        + (sum(int(x) for x in errors.groups()) if errors else 0),
    }


def measure(url: str, args: argparse.Namespace, etag: str = "") -> dict:
    if args.loader == "wrk":
        return run_wrk(url, args, {"if-none-match": etag} if etag else {})
    return python_loop(url, args, f"if-none-match: {etag}\r\n" if etag else "")


def _healthy(url: str, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + path, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not start")


def store_ceiling(app_url: str, slug: str, store: Path) -> dict[str, str]:
    """Each read's body as the app sends it (gzip), for the ceiling; its ETag by name."""
    index, etags = {}, {}
    with httpx.Client(headers=HEADERS, timeout=30) as client:
        for n, (name, path) in enumerate(PAGES.items()):
            with client.stream("GET", app_url + path.format(slug=slug)) as answer:
                answer.raise_for_status()
                body = b"".join(answer.iter_raw())
            (store / f"{n}.body").write_bytes(body)
            index[f"/{n}"] = {
                "file": f"{n}.body",
                "type": answer.headers["content-type"],
                "encoding": answer.headers.get("content-encoding", ""),
                "etag": answer.headers["etag"],
            }
            etags[name] = answer.headers["etag"]
            print(f"  {name}: {len(body):,} bytes as sent ({index[f'/{n}']['type']})")
    (store / "index.json").write_text(json.dumps(index))
    return etags


def reads(args: argparse.Namespace, app_url: str, ceiling_url: str, slug: str, etags: dict):
    print(
        f"\n{'read':<20} {'ceiling/s':>9} {'app/s':>7} {'share':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'ceil p99':>8} {'failed':>6}"
    )
    for n, (name, path) in enumerate(PAGES.items()):
        for etag in ("", etags[name]):
            app, ceiling = [], []
            for _ in range(args.rounds):  # interleaved: the machine's load moves
                ceiling.append(measure(f"{ceiling_url}/{n}", args, etag))
                app.append(measure(app_url + path.format(slug=slug), args, etag))
            a_rps = statistics.mean(r["rps"] for r in app)
            c_rps = statistics.mean(r["rps"] for r in ceiling)
            label = f"{name} 304" if etag else name
            print(
                f"{label:<20} {c_rps:>9.0f} {a_rps:>7.0f} {a_rps / c_rps:>6.0%} "
                f"{statistics.mean(r['p50'] for r in app):>7.1f} "
                f"{max(r['p99'] for r in app):>7.1f} "
                f"{max(r['p99'] for r in ceiling):>8.1f} "
                f"{sum(r['failures'] for r in app):>6}",
                flush=True,
            )


def per_minute(args: argparse.Namespace, app_url: str) -> None:
    """The agenda page of a forum running today, across `--minutes` turns of the minute."""
    url = f"{app_url}/forums/{RUNNING}/agenda"
    asyncio.run(_load(url, 20, 4))
    now = time.time()
    until = (now // 60 + args.minutes) * 60 + 5  # 5 s past the last turn
    print(f"\nagenda page of a running forum, until {args.minutes} turn(s) of the minute")
    share = (url, 0, max(1, args.concurrency // args.processes), "", until)
    with multiprocessing.Pool(args.processes) as pool:
        results = pool.map(_process, [share] * args.processes)
    stamps = sorted(s for r, _f in results for s in r)
    print(f"{'minute (UTC)':<14} {'requests':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for minute in sorted({int(t // 60) for t, _x in stamps}):
        lat = sorted(x for t, x in stamps if int(t // 60) == minute)
        label = time.strftime("%H:%M", time.gmtime(minute * 60))
        edge = sorted(x for t, x in stamps if 0 <= t - minute * 60 < 5)
        print(
            f"{label:<14} {len(lat):>8} {statistics.median(lat) * 1000:>7.1f} "
            f"{lat[max(0, int(len(lat) * 0.99) - 1)] * 1000:>7.1f} {lat[-1] * 1000:>7.1f}"
            + (
                f"   first 5 s: p99 {edge[max(0, int(len(edge) * 0.99) - 1)] * 1000:.1f}"
                if edge
                else ""
            )
        )


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
        command, env={**os.environ, "LOG_LEVEL": "warning", **env}, stdout=subprocess.DEVNULL
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app server (else one is started on --port)")
    parser.add_argument("--port", type=int, default=8070, help="the app's; the ceiling's +1")
    parser.add_argument("--workers", type=int, default=2, help="of both servers")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling, app, ceiling, app...")
    parser.add_argument("--requests", type=int, default=3000, help="per Python-loop run")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2, help="Python-loop processes")
    parser.add_argument("--minutes", type=int, default=2, help="turns of the minute; 0: none")
    parser.add_argument("--loader", choices=("wrk", "python"), default=None)
    args = parser.parse_args()
    args.loader = args.loader or ("wrk" if shutil.which("wrk") else "python")
    app_url = args.url or f"http://127.0.0.1:{args.port}"
    if urlsplit(app_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("this benchmark only talks to a server on this machine (loopback)")
    cli = [sys.executable, "-m", "forum_mgmt.cli"]
    subprocess.run([*cli, "migrate"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    slug = asyncio.run(ensure_forum())
    today = dt.datetime.now(dt.UTC).astimezone(ZoneInfo("Asia/Taipei")).date()
    asyncio.run(ensure_forum(RUNNING, today))
    servers = []
    try:
        if not args.url:
            serve = [*cli, "serve", "--port", str(args.port), "--workers", str(args.workers)]
            servers.append(_start(serve, {"MAIL_WORKER": "off"}))
        _healthy(app_url)
        store = Path(tempfile.mkdtemp(prefix="bench-ceiling-"))
        print(f"bodies of the reads, stored for the ceiling in {store}:")
        etags = store_ceiling(app_url, slug, store)
        ceiling_port = urlsplit(app_url).port + 1  # type: ignore[operator]
        ceiling = [sys.executable, str(Path(__file__).with_name("ceiling.py"))]
        servers.append(
            _start(
                [
                    *ceiling,
                    "--port",
                    str(ceiling_port),
                    "--workers",
                    str(args.workers),
                    "--store",
                    str(store),
                ],
                {},
            )
        )
        ceiling_url = f"http://127.0.0.1:{ceiling_port}"
        _healthy(ceiling_url, "/0")
        size = (
            f"{args.concurrency} connections, {args.seconds} s a run"
            if args.loader == "wrk"
            else f"{args.requests} requests from {args.concurrency} clients"
        )
        print(
            f"\n{args.loader}: {size}, {args.rounds} rounds; {args.workers} workers each; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        reads(args, app_url, ceiling_url, slug, etags)
        if args.minutes:
            per_minute(args, app_url)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
