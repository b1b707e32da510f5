"""Render 2,000 A6 badges (and the same on A4 sheets); print seconds, size and peak memory.

.venv/bin/python bench/badges.py [COUNT]          # the renderer alone, in this process
DATABASE_URL=... .venv/bin/python bench/badges.py --cli [COUNT]

With --cli, the whole path: the database is migrated, a fresh forum gets COUNT confirmed
registrations (through the services), then `forum-mgmt badges SLUG -o FILE` runs twice as
a subprocess (first run issues every ticket, the second finds them) for each layout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forum_mgmt.tickets import badges, codes

PEOPLE = [
    ("Lin Chia-lung", "林佳龍", "Ministry of Foreign Affairs", "speaker"),
    ("Marco Chiesara", "", "WeWorld", "speaker"),
    ("Chen Mei-ling", "陳美玲", "Taiwan Fund for Children and Families", "attendee"),
    ("Wang Kuan-yu", "王冠宇", "Taipei Times", "press"),
    ("Huang Shu-fen", "黃淑芬", "International Cooperation and Development Fund", "vip"),
    ("Tsai Chih-hao", "蔡志豪", "NGO Center", "staff"),
    ("Lee Yu-ting", "李堃喆", "Sample Foundation (sample person)", "attendee"),
]


def main(count: int = 2000) -> None:
    key = Ed25519PrivateKey.generate()
    batch = [
        badges.Badge(
            name=name,
            name_local=local,
            organization=org,
            category=category,
            code=codes.sign(key, 1, i, 0),
            forum_name="NGO Leaders Forum 2026",
            forum_name_local="NGO領袖論壇",
        )
        for i, (name, local, org, category) in enumerate(
            (PEOPLE[i % len(PEOPLE)] for i in range(count)), start=1
        )
    ]
    for layout in ("a6", "a4"):
        start, cpu = time.perf_counter(), time.process_time()
        pdf = badges.render(batch, layout=layout)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"{count} badges, {layout}: {seconds:.1f} s "
            f"({seconds / count * 1000:.1f} ms a badge), {cpu:.1f} s CPU "
            f"(on a loaded machine the figure to compare), {len(pdf) / 1e6:.2f} MB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


async def _forum_with(count: int) -> str:
    from forum_mgmt.core import db
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.schemas import ForumIn
    from forum_mgmt.registration import services
    from forum_mgmt.registration.schemas import RegistrationIn

    await db.open_pool()
    try:
        org = await forums.ensure_organisation("bench", name="Benchmark")
        slug = f"badges-{int(time.time())}"
        day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
        forum = await forums.create_forum(
            org,
            ForumIn(
                slug=slug,
                name="NGO Leaders Forum 2026",
                name_local="NGO領袖論壇",
                starts_on=day,
                ends_on=day,
                capacity=count,
            ),
        )
        forum = await forums.publish(forum)
        start = time.perf_counter()
        for i in range(count):
            name, local, org_name, category = PEOPLE[i % len(PEOPLE)]
            category = "attendee" if category == "press" else category  # press needs approval
            data = RegistrationIn(
                name=name,
                name_local=local,
                email=f"person{i}@example.org",
                organization=org_name,
                country="TW",
                category=category,
                consent=True,
            )
            await services.register(forum, data, by_organizer=True)
        print(f"{count} confirmed registrations made in {time.perf_counter() - start:.1f} s")
        return slug
    finally:
        await db.close_pool()


def cli(count: int) -> None:
    """The CLI on COUNT confirmed registrations, database included."""
    cmd = [sys.executable, "-m", "forum_mgmt.cli"]
    subprocess.run([*cmd, "migrate"], check=True, capture_output=True)  # noqa: S603
    slug = asyncio.run(_forum_with(count))
    engine = os.environ.get("DATABASE_URL", "sqlite (default)").split(":", 1)[0]
    with tempfile.TemporaryDirectory() as folder:
        for layout, run in (("a6", "first: issues tickets"), ("a6", "again"), ("a4", "again")):
            out = os.path.join(folder, f"{layout}.pdf")
            start = time.perf_counter()
            done = subprocess.run(  # noqa: S603 - our own command
                [*cmd, "badges", slug, "-o", out, "--layout", layout],
                capture_output=True,
                check=True,
            )
            seconds = time.perf_counter() - start
            last = done.stderr.decode().strip().splitlines()[-1]
            print(
                f"{engine}, {layout}, {run}: {seconds:.1f} s wall for the whole command "
                f"({os.path.getsize(out) / 1e6:.2f} MB) — {last}"
            )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--cli"]
    number = int(args[0]) if args else 2000
    cli(number) if "--cli" in sys.argv else main(number)
