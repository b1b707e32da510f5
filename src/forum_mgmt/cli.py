"""The forum-mgmt command: serve, migrate, demo, export, import."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys


def _migrate() -> int:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="all"))
    if not result.success:
        print(f"Migrations failed: {result.message}", file=sys.stderr)
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    from forum_mgmt import demo
    from forum_mgmt.core.settings import get_settings

    forum, created = asyncio.run(demo.load(args.date))
    url = f"{get_settings().base_url}/forums/{forum.slug}"
    if created:
        print(f"Loaded the demo forum “{forum.name}” on {forum.starts_on}: {url}")
    else:
        print(f"The demo forum is already loaded (dated {forum.starts_on}): {url}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from forum_mgmt.core.errors import DomainError
    from forum_mgmt.exports import services

    try:
        data = asyncio.run(services.export_forum(args.slug))
    except DomainError as err:
        print(f"Cannot export “{args.slug}”: {err.message}", file=sys.stderr)
        return 1
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as fp:
            fp.write(data)
        print(f"Wrote the forum “{args.slug}” to {args.output}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from forum_mgmt.core.errors import DomainError
    from forum_mgmt.exports import services

    try:
        with open(args.file, "rb") as fp:
            data = fp.read()
    except OSError as err:
        print(f"Cannot read {args.file}: {err.strerror}", file=sys.stderr)
        return 1
    try:
        forum = asyncio.run(services.import_forum(data, organisation=args.organisation))
    except DomainError as err:
        print(f"Cannot import {args.file}: {err.message}", file=sys.stderr)
        return 1
    print(f"Imported the forum “{forum.name}” as {forum.slug} ({forum.status}).")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    print(f"Serving forum_mgmt on http://{args.host}:{args.port} (Ctrl+C to stop)", flush=True)
    uvicorn.run(
        "forum_mgmt.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        proxy_headers=True,
    )
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date of the form YYYY-MM-DD: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="forum-mgmt", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser("migrate", help="apply the database migrations")
    demo = sub.add_parser("demo", help="load the NGO Leaders Forum 2026 demo (once)")
    demo.add_argument(
        "--date", type=_date, help="the demo's day, YYYY-MM-DD (default: today in Taipei)"
    )
    export = sub.add_parser("export", help="write a forum (with its agenda) as JSON")
    export.add_argument("slug")
    export.add_argument("-o", "--output", help="the file to write (default: standard output)")
    imp = sub.add_parser("import", help="create a forum from a file of `export`")
    imp.add_argument("file")
    imp.add_argument(
        "--organisation", help="an existing organisation's slug (default: the file's own)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "migrate":
        return _migrate()
    if args.command == "demo":
        return _demo(args)
    if args.command == "export":
        return _export(args)
    if args.command == "import":
        return _import(args)
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
