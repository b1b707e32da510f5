"""How the main costs grow with size: prints one table.

    .venv/bin/python bench/growth.py                       # the full run (minutes)
    .venv/bin/python bench/growth.py --sessions 100 --registrations 500 --badges 100
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/forum_mgmt_growth bench/growth.py

- the agenda page and `agenda.ics` of forums with 100 / 1,000 / 10,000 sessions: the time
  to build each (through the app, in-process over ASGI, its cache emptied first), the
  answer's size, the time of a cached answer, and the build's peak Python memory
  (tracemalloc, in a second build);
- the registrations of forums with 1k / 10k / 100k registrations: the organizer's list
  page (first and last page, a search), the API list (1,000 a page), the CSV export and the
  badge PDF (badges for --badges sizes only: ~9 ms a badge). Each runs in its own process,
  which prints its time and its peak RSS (VmHWM) above the process's peak before it;
- cold start: `forum-mgmt serve --workers 1` launched until the first 200 on /healthz and
  on the agenda page, then the worker's RSS (/proc/PID/status) after a warm-up.

The data is written fast, in bulk through Piccolo (not one service call a row), but looks
real: bilingual names, several rooms, tracks and speakers per session, answers to the
form's questions, workshop bookings. Its own database: the SQLite file in
$FORUM_MGMT_DATA (var/bench by default) or DATABASE_URL; the forums it makes stay there
(slug growth-...), so run it on a throwaway database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import random
import secrets
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("FORUM_MGMT_DATA", str(ROOT / "var" / "bench"))
os.environ.setdefault("LOG_LEVEL", "warning")

FAMILY = ["Lin", "Chen", "Wang", "Huang", "Tsai", "Lee", "Chang", "Liu", "Wu", "Kuo"]
FAMILY_ZH = ["林", "陳", "王", "黃", "蔡", "李", "張", "劉", "吳", "郭"]
GIVEN = ["Chia-lung", "Mei-ling", "Kuan-yu", "Shu-fen", "Chih-hao", "Yu-ting", "Wei", "Hui"]
GIVEN_ZH = ["佳龍", "美玲", "冠宇", "淑芬", "志豪", "堃喆", "偉", "慧"]
ABROAD = ["Marco Chiesara", "Amina Diallo", "Sofia Lindqvist", "Rahul Mehta", "Ana Souza"]
ORGS = [
    ("Taiwan Fund for Children and Families", "台灣世界展望會"),
    ("International Cooperation and Development Fund", "國際合作發展基金會"),
    ("NGO Center", "NGO會館"),
    ("WeWorld", ""),
    ("Taipei Times", "台北時報"),
]
TOPICS = [
    ("Climate finance for local NGOs", "在地NGO的氣候融資"),
    ("Humanitarian logistics after disasters", "災後人道物流"),
    ("Digital safety for civil society", "公民社會的數位安全"),
    ("Youth leadership across Asia", "亞洲青年領導力"),
    ("Measuring impact without losing the story", "衡量影響力而不失故事"),
    ("Volunteer networks that last", "持久的志工網絡"),
]
TRACKS = [
    ("Climate", "氣候", "#2da44e"),
    ("Humanitarian", "人道", "#cf222e"),
    ("Digital", "數位", "#1f6feb"),
    ("Youth", "青年", "#8250df"),
    ("Governance", "治理", "#bf8700"),
    ("Health", "健康", "#0a7f7f"),
]
ABSTRACT = (
    "How organisations in the region plan, fund and run their work, with examples from "
    "partners in Taiwan and abroad, and time for questions from the room. "
)
ABSTRACT_ZH = "區域內的組織如何規劃、籌資與執行工作,並分享台灣與海外夥伴的案例,留有提問時間。"
BATCH = 400  # rows in one INSERT: well under SQLite's 32,766 bound parameters


def person(i: int) -> tuple[str, str]:
    if i % 7 == 3:
        return ABROAD[i % len(ABROAD)] + f" {i}", ""
    f, g = i % len(FAMILY), (i // len(FAMILY)) % len(GIVEN)
    return f"{FAMILY[f]} {GIVEN[g]} {i}", f"{FAMILY_ZH[f]}{GIVEN_ZH[g]}{i}"


async def _insert(table, rows) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


async def _forum(kind: str, size: int, days: int):
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.schemas import ForumIn

    org = await forums.ensure_organisation("growth", name="Growth benchmark", name_local="基準")
    start = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=60)
    forum = await forums.create_forum(
        org,
        ForumIn(
            slug=f"growth-{kind}-{size}-{secrets.token_hex(3)}",
            name=f"NGO Leaders Forum ({size:,} {kind})",
            name_local="NGO領袖論壇",
            venue="Taipei International Convention Center",
            venue_local="台北國際會議中心",
            starts_on=start,
            ends_on=start + dt.timedelta(days=days - 1),
        ),
    )
    return await forums.publish(forum)


async def build_agenda(n: int):
    """A published forum with n sessions in rooms, tracks, 1-3 speakers each."""
    from zoneinfo import ZoneInfo

    from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
    from forum_mgmt.core import time as ftime

    rooms_n = max(3, min(40, n // 250))
    per_day = rooms_n * 24  # 24 half-hour slots from 08:00 a room
    days = max(1, -(-n // per_day))
    forum = await _forum("sessions", n, days)
    zone = ZoneInfo(forum.timezone)
    rooms = [
        Room(
            forum=forum.id,
            name=f"Room {101 + i}",
            name_local=f"{101 + i}會議室",
            capacity=40 + 20 * (i % 5),
            position=i,
        )
        for i in range(rooms_n)
    ]
    await _insert(Room, rooms)
    room_ids = [r["id"] for r in await Room.select(Room.id).where(Room.forum == forum.id)]
    await _insert(
        Track, [Track(forum=forum.id, name=a, name_local=b, color=c) for a, b, c in TRACKS]
    )
    track_ids = [t["id"] for t in await Track.select(Track.id).where(Track.forum == forum.id)]
    speakers = []
    for i in range(max(5, n * 2 // 3)):
        name, local = person(i)
        org, org_local = ORGS[i % len(ORGS)]
        speakers.append(
            Speaker(
                forum=forum.id,
                name=name,
                name_local=local,
                title="Director",
                title_local="主任",
                organization=org,
                organization_local=org_local,
                bio=ABSTRACT,
                bio_local=ABSTRACT_ZH,
                email=f"speaker{i}@example.org",
            )
        )
    await _insert(Speaker, speakers)
    speaker_ids = [
        s["id"] for s in await Speaker.select(Speaker.id).where(Speaker.forum == forum.id)
    ]
    now = ftime.now()
    sessions = []
    for i in range(n):
        day, rest = divmod(i, per_day)
        slot, room = divmod(rest, rooms_n)
        local = dt.datetime.combine(
            forum.starts_on + dt.timedelta(days=day), dt.time(8), tzinfo=zone
        ) + dt.timedelta(minutes=30 * slot)
        title, title_local = TOPICS[i % len(TOPICS)]
        kind = ("talk", "panel", "workshop", "keynote")[i % 4]
        sessions.append(
            AgendaSession(
                forum=forum.id,
                title=f"{title} ({i})",
                title_local=f"{title_local}({i})",
                abstract=ABSTRACT * 2,
                abstract_local=ABSTRACT_ZH * 2,
                kind=kind,
                language=("en", "zh-TW", "en+zh-TW")[i % 3],
                starts_at=local.astimezone(dt.UTC),
                ends_at=(local + dt.timedelta(minutes=25)).astimezone(dt.UTC),
                room=room_ids[room],
                track=track_ids[i % len(track_ids)],
                capacity=30 if kind == "workshop" else None,
                updated_at=now,
            )
        )
    await _insert(AgendaSession, sessions)
    ids = [
        s["id"]
        for s in await AgendaSession.select(AgendaSession.id)
        .where(AgendaSession.forum == forum.id)
        .order_by(AgendaSession.id)
    ]
    rng = random.Random(n)
    links = []
    for sid in ids:
        for pos, spk in enumerate(rng.sample(speaker_ids, 1 + sid % 3)):
            links.append(
                SessionSpeaker(
                    session=sid, speaker=spk, role="moderator" if pos else "speaker", position=pos
                )
            )
    await _insert(SessionSpeaker, links)
    return forum, ids


async def build_registrations(n: int, *, tickets: bool):
    """A published forum with n registrations (most confirmed), answers, bookings."""
    from forum_mgmt.core import time as ftime
    from forum_mgmt.registration import services as registration
    from forum_mgmt.registration.tables import Booking, Question, Registration

    forum, session_ids = await build_agenda(20)
    categories = await registration.ensure_categories(forum)
    for label, local, kind, choices in (
        ("Which meal?", "餐點?", "choice", "Meat\nVegetarian\nVegan"),
        ("Need a receipt?", "需要收據嗎?", "yesno", ""),
        ("What do you hope to learn?", "您希望學到什麼?", "text", ""),
    ):
        await registration.add_question(
            forum, label=label, label_local=local, kind=kind, choices=choices
        )
    questions = await Question.select(Question.id).where(Question.forum == forum.id)
    qids = [str(q["id"]) for q in questions]
    now = ftime.now()
    statuses = ["confirmed"] * 17 + ["waitlisted", "pending", "cancelled"]
    rows = []
    for i in range(n):
        name, local = person(i)
        org, _org_local = ORGS[i % len(ORGS)]
        status = statuses[i % len(statuses)]
        answers = {
            qids[0]: ("Meat", "Vegetarian", "Vegan")[i % 3],
            qids[1]: ("yes", "no")[i % 2],
            qids[2]: "Partnerships with local groups" if i % 4 else "",
        }
        rows.append(
            Registration(
                forum=forum.id,
                category=categories[0 if i % 10 else 1 + i % (len(categories) - 1)].id,
                name=name,
                name_local=local,
                email=f"person{i}@example.org",
                organization=org,
                title="Programme officer",
                country=("TW", "JP", "PH", "IT", "KE")[i % 5],
                dietary="Vegetarian" if i % 5 == 0 else "",
                consent=True,
                consent_version=0,
                consented_at=now,
                answers=json.dumps(answers),
                status=status,
                waitlist_order=i if status == "waitlisted" else None,
                token=secrets.token_urlsafe(24),
                language=("en", "zh-TW")[i % 2],
                created_at=now,
                updated_at=now,
            )
        )
    await _insert(Registration, rows)
    confirmed = await Registration.select(Registration.id).where(
        (Registration.forum == forum.id) & (Registration.status == "confirmed")
    )
    workshops = session_ids[2::4]
    bookings = [
        Booking(registration=r["id"], session=workshops[k % len(workshops)], created_at=now)
        for k, r in enumerate(confirmed)
        if k % 3 == 0
    ]
    await _insert(Booking, bookings)
    if tickets:  # badges print issued tickets; issuing is timed apart from printing
        from forum_mgmt.tickets import services as ticket_services

        regs = await Registration.objects().where(
            (Registration.forum == forum.id) & (Registration.status == "confirmed")
        )
        await ticket_services.issue_many(forum, regs)
    return forum


async def organizer(forum) -> str:
    """An organizer of the forum and their API token (bearer: no sign-in, no CSRF)."""
    from piccolo.apps.user.tables import BaseUser

    from forum_mgmt.accounts import services as accounts
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.tables import Role

    user = BaseUser(
        username=f"growth-{secrets.token_hex(4)}",
        password=BaseUser.hash_password(secrets.token_urlsafe(12)),
        email=f"{secrets.token_hex(4)}@users.invalid",
        active=True,
    )
    await user.save()
    await forums.grant(forum, user, Role.ORGANIZER)
    _token, secret = await accounts.create_token(user, "growth")
    return secret


def rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries the parent's peak
    into it across exec, so a child started by a large process would report the parent's."""
    return _status_mb(os.getpid(), "VmHWM")


# --- the agenda: in this process, through the app ------------------------------------------


async def measure_agenda(sizes: list[int]) -> list[dict]:
    import httpx

    from forum_mgmt.app import create_app
    from forum_mgmt.core import db
    from forum_mgmt.exports.services import cache

    out = []
    app = create_app()
    await db.open_pool()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for n in sizes:
                started = time.perf_counter()
                forum, _ids = await build_agenda(n)
                built = time.perf_counter() - started
                print(f"  {n:,} sessions written in {built:.1f} s", file=sys.stderr)
                for page in ("agenda", "agenda.ics"):
                    url = f"/forums/{forum.slug}/{page}"
                    cold, cpu = [], []
                    for _ in range(2):
                        cache.clear()
                        t0, c0 = time.perf_counter(), time.process_time()
                        answer = await client.get(url)
                        cold.append(time.perf_counter() - t0)
                        cpu.append(time.process_time() - c0)
                        answer.raise_for_status()
                    t0 = time.perf_counter()
                    for _ in range(20):
                        (await client.get(url)).raise_for_status()
                    warm = (time.perf_counter() - t0) / 20
                    cache.clear()
                    tracemalloc.start()
                    (await client.get(url)).raise_for_status()
                    peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
                    out.append(
                        {
                            "what": page,
                            "size": n,
                            "build_s": min(cold),
                            "cpu_s": min(cpu),
                            "cached_ms": warm * 1000,
                            "bytes": len(answer.content),
                            "peak_mb": peak / 1e6,
                        }
                    )
                    print(f"  {out[-1]}", file=sys.stderr)
    finally:
        await db.close_pool()
    return out


# --- registrations: each measure in its own process -----------------------------------------


async def _child(what: str, slug: str, token: str) -> dict:
    """One measure in this fresh process: time, answer size, peak RSS above the start."""
    import httpx

    from forum_mgmt.app import create_app
    from forum_mgmt.core import db

    app = create_app()
    await db.open_pool()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=600
        ) as client:
            base = f"/manage/forums/{slug}"
            warm = await client.get(f"{base}/registrations?q=nobody-at-all")  # imports, caches
            warm.raise_for_status()
            url = {
                "list": f"{base}/registrations",
                "search": f"{base}/registrations?q=Chen",
                "api": f"/api/forums/{slug}/registrations?limit=1000",
                "csv": f"{base}/registrations.csv",
                "badges": f"{base}/badges.pdf",
            }.get(what)
            if what == "last":
                counts = await client.get(f"/api/forums/{slug}/registrations?limit=1&offset=0")
                counts.raise_for_status()
                from forum_mgmt.registration.tables import Registration

                total = await Registration.count().where(
                    (Registration.forum.slug == slug) & (Registration.status != "unconfirmed")
                )
                url = f"{base}/registrations?page={max(1, -(-total // 100))}"
            before = rss_mb()
            t0, cpu = time.perf_counter(), time.process_time()
            answer = await client.get(url)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
            answer.raise_for_status()
            return {
                "seconds": seconds,
                "cpu_s": cpu,
                "bytes": len(answer.content),
                "peak_mb": rss_mb() - before,
                "rss_mb": rss_mb(),
            }
    finally:
        await db.close_pool()


def run_child(what: str, slug: str, token: str) -> dict:
    done = subprocess.run(  # noqa: S603 - this script
        [sys.executable, __file__, "--child", what, slug, token],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_registrations(sizes: list[int], badge_sizes: list[int]) -> list[dict]:
    out = []
    for n in sizes:

        async def setup(n=n):
            from forum_mgmt.core import db

            await db.open_pool()
            try:
                t0 = time.perf_counter()
                forum = await build_registrations(n, tickets=n in badge_sizes)
                print(
                    f"  {n:,} registrations written in {time.perf_counter() - t0:.1f} s",
                    file=sys.stderr,
                )
                return forum.slug, await organizer(forum)
            finally:
                await db.close_pool()

        slug, token = asyncio.run(setup())
        kinds = ["list", "last", "search", "api", "csv"]
        if n in badge_sizes:
            kinds.append("badges")
        for what in kinds:
            row = {"what": what, "size": n, **run_child(what, slug, token)}
            out.append(row)
            print(f"  {row}", file=sys.stderr)
    return out


# --- cold start -----------------------------------------------------------------------------


def _status_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _workers(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return pids or [pid]  # one worker: uvicorn serves in the process it started


def cold_start(port: int, slug: str, workers: int) -> dict:
    import httpx

    cmd = [
        str(Path(sys.executable).parent / "forum-mgmt"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        health = agenda = None
        with httpx.Client(timeout=5) as client:
            while time.perf_counter() - t0 < 60:
                try:
                    if health is None and client.get(f"{base}/healthz").status_code == 200:
                        health = time.perf_counter() - t0
                    if (
                        health is not None
                        and client.get(f"{base}/forums/{slug}/agenda").status_code == 200
                    ):
                        agenda = time.perf_counter() - t0
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            if agenda is None:
                raise SystemExit("the server did not answer within 60 s")
            idle = [_status_mb(p) for p in _workers(server.pid)]
            pages = ["agenda", "agenda.ics", "schedule.xml", "speakers", ""]
            for _ in range(20):  # warm-up: every public page a few times
                for page in pages:
                    client.get(f"{base}/forums/{slug}/{page}").raise_for_status()
                client.get(f"{base}/api/forums/{slug}/sessions").raise_for_status()
            warm = [_status_mb(p) for p in _workers(server.pid)]
    finally:
        server.terminate()
        server.wait(10)
    return {
        "what": f"serve --workers {workers}",
        "healthz_s": health,
        "agenda_s": agenda,
        "rss_idle_mb": idle,
        "rss_warm_mb": warm,
    }


# --- the table ------------------------------------------------------------------------------


def _size(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _time(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def print_table(agenda: list[dict], regs: list[dict], starts: list[dict]) -> None:
    engine = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nengine {engine}, {os.cpu_count()} cores, load average {load}")
    if agenda:
        print(
            "\n| what | sessions | build | its CPU | cached answer | size | build's peak memory |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in agenda:
            print(
                f"| {r['what']} | {r['size']:,} | {_time(r['build_s'])} | {_time(r['cpu_s'])} | "
                f"{r['cached_ms']:.2f} ms | {_size(r['bytes'])} | {r['peak_mb']:.1f} MB |"
            )
    if regs:
        names = {
            "list": "workspace list, page 1 (100)",
            "last": "workspace list, last page",
            "search": "workspace list, search q=Chen",
            "api": "API list, 1,000 a page",
            "csv": "CSV export",
            "badges": "badge PDF (A6)",
        }
        print(
            "\n| what | registrations | time | its CPU | size | peak RSS above start "
            "| process RSS |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in regs:
            print(
                f"| {names[r['what']]} | {r['size']:,} | {_time(r['seconds'])} | "
                f"{_time(r['cpu_s'])} | "
                f"{_size(r['bytes'])} | {r['peak_mb']:.0f} MB | {r['rss_mb']:.0f} MB |"
            )
    for s in starts:
        idle = ", ".join(f"{m:.0f}" for m in s["rss_idle_mb"])
        warm = ", ".join(f"{m:.0f}" for m in s["rss_warm_mb"])
        print(
            f"\ncold start ({s['what']}): first 200 on /healthz after {s['healthz_s']:.2f} s, "
            f"on the agenda page after {s['agenda_s']:.2f} s; RSS per worker {idle} MB "
            f"at first answer, {warm} MB after a warm-up (120 requests)"
        )


def _sizes(text: str) -> list[int]:
    return [int(x.replace("_", "").replace(",", "")) for x in text.split()] if text else []


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", default="100 1000 10000", help="agenda sizes, space-separated")
    p.add_argument("--registrations", default="1000 10000 100000")
    p.add_argument("--badges", default="1000 10000", help="sizes that also print badges")
    p.add_argument("--port", type=int, default=8240, help="cold start's server port")
    p.add_argument("--workers", default="1", help="cold start with these worker counts")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.child:
        print(json.dumps(asyncio.run(_child(*args.child))))
        return 0
    subprocess.run(
        [sys.executable, "-m", "forum_mgmt.cli", "migrate"], check=True, capture_output=True
    )
    print("== agenda", file=sys.stderr)
    agenda = asyncio.run(measure_agenda(_sizes(args.sessions)))
    print("== registrations", file=sys.stderr)
    regs = measure_registrations(_sizes(args.registrations), _sizes(args.badges))
    print("== cold start", file=sys.stderr)

    async def small_forum() -> str:
        from forum_mgmt.core import db

        await db.open_pool()
        try:
            return (await build_agenda(100))[0].slug
        finally:
            await db.close_pool()

    slug = asyncio.run(small_forum())
    starts = [cold_start(args.port, slug, int(w)) for w in _sizes(args.workers)]
    print_table(agenda, regs, starts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
