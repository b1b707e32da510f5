"""Read throughput of a forum's public agenda and exports, against a running server.

One command, after starting the server on the same database (loopback only):

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_bench
    forum-mgmt migrate && forum-mgmt serve --port 8070 --workers 2 &
    .venv/bin/python bench/read.py --url http://127.0.0.1:8070

It creates (or reuses) a published forum of 300 sessions and 150 speakers over 3 days,
built through the services, then asks each page a bounded number of times from
concurrent keep-alive clients (the lean HTTP/1.1 loop of bench/registration_rush.py) and
prints requests per second and p50 / p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import statistics
import sys
import time
from urllib.parse import urlsplit

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
    # the ceiling of this load generator on this machine: one tiny query, tiny body
    "(/healthz)": "/healthz",
}


async def ensure_forum() -> str:
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
        if await Forum.exists().where(Forum.slug == SLUG):
            return SLUG
        tz, first = "Asia/Taipei", dt.date(2026, 12, 1)
        async with db.transaction():
            org = await forums.ensure_organisation("bench", name="Benchmark organiser")
            forum = await forums.create_forum(
                org,
                ForumIn(
                    slug=SLUG,
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
        return SLUG
    finally:
        await db.close_pool()


async def _load(url: str, requests: int, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    remaining = requests
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # The body is read as sent (gzip, as calendar services ask for it), not unpacked: the
    # load generator shares the machine with the server.
    headers = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items())

    async def worker() -> None:
        nonlocal remaining, failures
        connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        while remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            status, _body = await connection.send("GET", path, b"", headers)
            latencies.append(time.perf_counter() - began)
            if status != 200:
                failures += 1
        if connection.writer is not None:
            connection.writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


def _process(args: tuple[str, int, int]) -> tuple[list[float], int]:
    return asyncio.run(_load(*args))


def measure(url: str, requests: int, concurrency: int, processes: int) -> dict:
    asyncio.run(_load(url, 50, 4))  # warm-up: connections, caches, templates
    share = (url, requests // processes, max(1, concurrency // processes))
    began = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_process, [share] * processes)
    elapsed = time.perf_counter() - began
    latencies = sorted(x for lat, _f in results for x in lat)
    return {
        "requests": len(latencies),
        "failures": sum(f for _lat, f in results),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8070", help="the running server")
    parser.add_argument("--requests", type=int, default=3000, help="per page")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    args = parser.parse_args()
    host = urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("this benchmark only talks to a server on this machine (loopback)")
    slug = asyncio.run(ensure_forum())
    print(
        f"{args.requests} requests per page, {args.concurrency} concurrent clients "
        f"in {args.processes} processes, against {args.url}"
    )
    print(f"{'page':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name, path in PAGES.items():
        r = measure(
            args.url + path.format(slug=slug), args.requests, args.concurrency, args.processes
        )
        print(
            f"{name:<14} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['failures']:>7}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
