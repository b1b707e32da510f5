"""`forum-mgmt serve` and `forum-mgmt migrate`: run the web app, bring its database up to date."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)
    sub.add_parser("migrate", help="apply the database migrations").set_defaults(run=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="all"))
    if not result.success:
        print(f"Migrations failed: {result.message}", file=sys.stderr)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from forum_mgmt.core.settings import follow_listen_address, get_settings, listen_url

    follow_listen_address(args.host, args.port)
    print(f"Serving forum_mgmt on {listen_url(args.host, args.port)} (Ctrl+C to stop)")
    if get_settings().base_url != listen_url(args.host, args.port):
        print(f"Links and mail name BASE_URL: {get_settings().base_url}")
    sys.stdout.flush()
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
