"""`forum-mgmt privacy apply`: anonymise what is past its forum's retention period (cron)."""

from __future__ import annotations

import argparse
import asyncio


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser("privacy", help="personal data").add_subparsers(
        dest="action", required=True
    )
    privacy.add_parser(
        "apply", help="anonymise what is past its forum's retention period"
    ).set_defaults(run=_apply)


def _apply(args: argparse.Namespace) -> int:
    """A second run changes nothing."""
    from forum_mgmt.privacy import services as privacy

    done = asyncio.run(privacy.apply_retention())
    for forum, count in done:
        days = forum.retention_days
        print(f"{forum.slug}: anonymised {count} registration(s), {days} days after its last day")
    if not done:
        print("Nothing to anonymise: no forum is past its retention period.")
    return 0
