"""The forum-mgmt command: serve, migrate, demo, user, token, badges, export, import, mail,
privacy, collectstatic."""

from __future__ import annotations

import argparse

from forum_mgmt.cli import accounts, badges, demo, forum_file, mail, privacy, server, static


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="forum-mgmt", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    # In this order in `forum-mgmt --help`; each module adds its commands and their `run`.
    for group in (server, demo, accounts, badges, forum_file, mail, privacy, static):
        group.add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
