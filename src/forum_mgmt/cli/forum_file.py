"""`forum-mgmt export` and `forum-mgmt import`: a whole forum as one JSON file, and back."""

from __future__ import annotations

import argparse
import asyncio
import sys


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="write a forum (with its agenda) as JSON")
    export.add_argument("slug")
    export.add_argument("-o", "--output", help="the file to write (default: standard output)")
    export.set_defaults(run=_export)
    imp = sub.add_parser("import", help="create a forum from a file of `export`")
    imp.add_argument("file")
    imp.add_argument(
        "--organisation", help="an existing organisation's slug (default: the file's own)"
    )
    imp.set_defaults(run=_import)


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
