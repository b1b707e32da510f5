"""`forum-mgmt mail send`: deliver the outbox's due mail (from cron, or one dedicated host)."""

from __future__ import annotations

import argparse
import asyncio


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mail = sub.add_parser("mail", help="the outbox").add_subparsers(dest="action", required=True)
    mail.add_parser(
        "send", help="deliver queued mail that is due (retries and agenda notices included)"
    ).set_defaults(run=_mail)


def _mail(args: argparse.Namespace) -> int:
    from forum_mgmt.mail import services as mail
    from forum_mgmt.notices import services as notices
    from forum_mgmt.tickets import mail as ticket_mail

    ticket_mail.install()  # the mail it sends embeds the ticket's QR
    notices.install()  # agenda change notices that are due become mail first
    sent = asyncio.run(mail.send_all())
    print(f"Sent {sent} message(s); failures stay queued for the next run.")
    return 0
