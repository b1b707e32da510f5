"""Where one check-in spends its CPU: N scans through the whole app in-process (the ASGI app
called directly, no network, no HTTP client), timed with the process's CPU clock; with
--profile, under cProfile, printing the top functions.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_checkin_bench \\
        .venv/bin/python bench/checkin_profile.py --people 1000 [--profile]

The figure is the app's own CPU per scan (middleware, guards, handler, queries as far as
this process is concerned): what `bench/checkin.py` measures from /proc minus uvicorn's
HTTP parsing and the sockets.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

import uvloop

from checkin import _setup, _undo_all


async def _call(app, path: str, token: str, body: bytes, method: str = "POST") -> tuple[int, bytes]:
    """One POST through the ASGI app, as uvicorn would make it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status, chunks = 0, []

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def _callgrind(switch: str) -> None:
    """Under `valgrind --tool=callgrind --instr-atstart=no` (CALLGRIND=1): count instructions
    only while scanning (the start-up then runs ~10x faster than counted)."""
    if os.environ.get("CALLGRIND"):
        subprocess.Popen(["callgrind_control", "-i", switch, str(os.getpid())])  # noqa: S603, S607
        time.sleep(3)  # valgrind reads the command between two basic blocks


async def _run(slug: str, token: str, codes: list[str], concurrency: int, profile: bool):
    from forum_mgmt.app import create_app

    app = create_app()
    path = f"/api/forums/{slug}/checkins"
    async with app.lifespan():
        queue = iter(codes)
        first = next(queue)
        status, body = await _call(app, path, token, json.dumps({"code": first}).encode())
        assert status == 200, body  # noqa: S101 - warm-up: caches, pool, statements
        answers: dict = {}

        async def scanner(n: int) -> None:
            for code in queue:
                status, body = await _call(
                    app, path, token, json.dumps({"code": code, "gate": f"p-{n}"}).encode()
                )
                result = json.loads(body).get("result") if status == 200 else status
                answers[result] = answers.get(result, 0) + 1

        profiler = cProfile.Profile() if profile else None
        _callgrind("on")
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        await asyncio.gather(*(scanner(n) for n in range(concurrency)))
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        _callgrind("off")
    if profiler:
        stats = pstats.Stats(profiler)
        if os.environ.get("SCAN_PSTATS"):
            stats.dump_stats(os.environ["SCAN_PSTATS"])
        stats.sort_stats("cumulative").print_stats(r"forum_mgmt|litestar|asyncpg|piccolo", 40)
        stats.sort_stats("tottime").print_stats(30)
        # A count that does not depend on the machine's load: Python calls per scan.
        print(f"Python function calls per scan: {stats.total_calls / (len(codes) - 1):.0f}")  # type: ignore[attr-defined]
    return answers, cpu / (len(codes) - 1), wall / (len(codes) - 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=10, help="scans in flight at once")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--scans", type=int, help="scan only the first SCANS codes")
    p.add_argument(
        "--reuse",
        type=Path,
        help="keep the forum, token and codes in this file and use them again (for repeated "
        "runs, e.g. two lengths under valgrind --tool=callgrind, whose difference is the "
        "instructions of the scans alone, whatever the machine's load)",
    )
    p.add_argument("--profile", action="store_true", help="print the cProfile listing")
    args = p.parse_args()
    if args.reuse and args.reuse.exists():
        slug, token, codes = json.loads(args.reuse.read_text())
    else:
        subprocess.run(
            [sys.executable, "-m", "forum_mgmt.cli", "migrate"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        slug, token, codes, _second = asyncio.run(_setup(args.people))
        if args.reuse:
            args.reuse.write_text(json.dumps([slug, token, codes]))
    codes = codes[: args.scans + 1] if args.scans else codes
    figures = []
    for run in range(1, args.runs + 1):
        asyncio.run(_undo_all(slug))
        # uvloop, as uvicorn runs the server
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            answers, cpu, wall = runner.run(
                _run(slug, token, codes, args.concurrency, args.profile and run == args.runs)
            )
        figures.append(cpu)
        print(
            f"run {run}: {len(codes) - 1} scans in-process, {args.concurrency} at once: "
            f"{cpu * 1000:.3f} ms CPU, {wall * 1000:.3f} ms wall each; answers {answers}"
        )
    figures.sort()
    print(
        f"CPU per scan in-process: min {figures[0] * 1000:.3f} ms, median "
        f"{figures[len(figures) // 2] * 1000:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
