"""`forum-mgmt demo`: load the NGO Leaders Forum 2026 with its demo team, print the sign-in."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forum_mgmt.forums.tables import Forum


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="load the NGO Leaders Forum 2026 demo (once)")
    demo.add_argument(
        "--date", type=_date, help="the demo's day, YYYY-MM-DD (default: today in Taipei)"
    )
    demo.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="the address `forum-mgmt serve` will listen on, for the links printed "
        "(without BASE_URL; `make run` passes its HOST and PORT)",
    )
    demo.set_defaults(run=_demo)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date of the form YYYY-MM-DD: {text!r}") from None


def _demo(args: argparse.Namespace) -> int:
    from forum_mgmt import demo
    from forum_mgmt.core.settings import follow_listen_address, get_settings

    if args.listen:
        host, _colon, port = args.listen.rpartition(":")
        follow_listen_address(host.strip("[]"), int(port))

    async def load() -> tuple[Forum, bool, dict[str, str]]:
        forum, created = await demo.load(args.date)
        return forum, created, await demo.ensure_team(forum)

    forum, created, team = asyncio.run(load())
    base = get_settings().base_url
    url = f"{base}/forums/{forum.slug}"
    if created:
        print(f"Loaded the demo forum “{forum.name}” on {forum.starts_on}: {url}")
    else:
        print(f"The demo forum is already loaded (dated {forum.starts_on}): {url}")
    # Kept beside the development database (git-ignored) so that every `make run` can
    # show the demo sign-in again; never in production.
    saved = get_settings().data_dir / "demo-sign-in.txt"
    if team and not get_settings().production:
        lines = [f"{name} / {password}" for name, password in team.items()]
        saved.write_text("\n".join(lines) + "\n")
        saved.chmod(0o600)
    if saved.exists():
        print("Demo sign-in (organizer, then door staff):")
        for line in saved.read_text().splitlines():
            # the address is today's (another PORT, another BASE_URL), not the first run's
            print(f"{base}/login  {line.rpartition('/login  ')[2]}")
    elif team:
        for name, password in team.items():
            print(f"Demo sign-in at {base}/login: {name} / {password}  (shown once)")
    return 0
