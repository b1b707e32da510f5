"""`forum-mgmt badges`: the badge PDF of a forum's confirmed registrations."""

from __future__ import annotations

import argparse
import asyncio
import sys


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    badges = sub.add_parser("badges", help="badge PDF of a forum's confirmed registrations")
    badges.add_argument("slug")
    badges.add_argument("-o", "--output", required=True, help="the PDF file to write")
    badges.add_argument(
        "--layout", choices=["a6", "a4"], default="a6", help="one A6 badge a page, or four on A4"
    )
    badges.add_argument("--category", help="only this category (its code, e.g. speaker)")
    badges.set_defaults(run=_badges)
    fonts = sub.add_parser("fonts", help="make the badge fonts (TrueType outlines) once")
    fonts.set_defaults(run=_fonts)


def _fonts(args: argparse.Namespace) -> int:
    from forum_mgmt.tickets import fonts

    try:
        for style in fonts.STYLES:
            print(fonts.truetype(style), file=sys.stderr)
    except fonts.FontMissing as err:
        print(err, file=sys.stderr)
        return 1
    return 0


class ProgressBar:
    """A text bar on stderr, redrawn in place (about a hundred times a run, not per badge)."""

    WIDTH = 30

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        print(f"\r{self.label} [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr, flush=True)


async def _make_badges(args: argparse.Namespace) -> int:
    from forum_mgmt.audit.services import COMMAND_LINE
    from forum_mgmt.forums import services as forums
    from forum_mgmt.registration.services import Filters
    from forum_mgmt.tickets import printing

    forum = await forums.get_forum(args.slug)
    filters = Filters(category=args.category or "")
    pdf, count = await printing.badges_pdf(
        forum, filters, layout=args.layout, progress=ProgressBar("Badges"), by=COMMAND_LINE
    )
    with open(args.output, "wb") as fp:
        fp.write(pdf)
    return count


def _badges(args: argparse.Namespace) -> int:
    import time

    from forum_mgmt.core.errors import DomainError

    start = time.perf_counter()
    try:
        count = asyncio.run(_make_badges(args))
    except DomainError as err:
        print(f"Cannot make badges for “{args.slug}”: {err.message}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"Cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(f"Wrote {count} badge(s) to {args.output} in {seconds:.1f} s", file=sys.stderr)
    return 0
