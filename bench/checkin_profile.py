"""Where one check-in spends its time: N scans through the whole app in-process (ASGI, no
network), under cProfile; prints the mean time per scan and the top functions.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_checkin_bench \\
        .venv/bin/python bench/checkin_profile.py --people 500
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import subprocess
import sys
import time

import httpx

from checkin import _setup


async def _run(slug: str, token: str, codes: list[str], profile: bool) -> float:
    from forum_mgmt.app import create_app
    from forum_mgmt.core import db

    app = create_app()
    await db.open_pool()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            path = f"/api/forums/{slug}/checkins"
            await client.post(path, json={"code": codes[0], "gate": "warm"}, headers=headers)
            profiler = cProfile.Profile() if profile else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            for code in codes[1:]:
                answer = await client.post(path, json={"code": code, "gate": "p"}, headers=headers)
                assert answer.json()["result"] == "ok", answer.text  # noqa: S101
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - started
    finally:
        await db.close_pool()
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(
            r"forum_mgmt|litestar/routes|asyncpg|piccolo", 25
        )
    return elapsed / (len(codes) - 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=500)
    p.add_argument("--profile", action="store_true", help="print the cProfile listing")
    args = p.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    subprocess.run(
        [sys.executable, "-m", "forum_mgmt.cli", "migrate"], check=True, stdout=subprocess.DEVNULL
    )
    slug, token, codes, _second = asyncio.run(_setup(args.people))
    mean = asyncio.run(_run(slug, token, codes, args.profile))
    print(f"{len(codes) - 1} scans in-process: {mean * 1000:.2f} ms each (one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
