"""The forum-mgmt command: serve, migrate, demo, user, token, badges, export, import."""

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

    async def load():
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
        lines = [f"{base}/login  {name} / {password}" for name, password in team.items()]
        saved.write_text("\n".join(lines) + "\n")
        saved.chmod(0o600)
    if saved.exists():
        print("Demo sign-in (organizer, then door staff):")
        print(saved.read_text(), end="")
    elif team:
        for name, password in team.items():
            print(f"Demo sign-in at {base}/login: {name} / {password}  (shown once)")
    return 0


async def _create_user(args: argparse.Namespace) -> str:
    from forum_mgmt.accounts import services as accounts
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.tables import Role

    forum = await forums.get_forum(args.forum) if args.forum else None
    user, password = await accounts.create_user(
        args.name, password=args.password, email=args.email or "", admin=args.role == "admin"
    )
    if forum is not None and args.role != "admin":
        await forums.grant(forum, user, Role(args.role))
    elif args.role == "organizer":
        org = await forums.ensure_organisation(
            args.organisation, name=args.organisation.replace("-", " ").title()
        )
        await forums.join(org, user, Role.ORGANIZER)
    return password


def _user(args: argparse.Namespace) -> int:
    from forum_mgmt.core.errors import DomainError

    try:
        password = asyncio.run(_create_user(args))
    except DomainError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
    where = f" on forum {args.forum}" if args.forum else ""
    print(f"Created {args.role} {args.name}{where}.")
    if not args.password:
        print(f"Password: {password}")
    return 0


async def _create_token(name: str, label: str) -> str:
    from forum_mgmt.accounts import services as accounts

    user = await accounts.get_user_by_name(name)
    _token, secret = await accounts.create_token(user, label)
    return secret


def _token(args: argparse.Namespace) -> int:
    from forum_mgmt.core.errors import DomainError

    try:
        secret = asyncio.run(_create_token(args.name, args.label))
    except DomainError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
    print(f"API token for {args.name} (shown once; send it as 'Authorization: Bearer ...'):")
    print(secret)
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


def _mail(args: argparse.Namespace) -> int:
    from forum_mgmt.mail import services as mail
    from forum_mgmt.tickets import mail as ticket_mail

    ticket_mail.install()  # the mail it sends embeds the ticket's QR
    sent = asyncio.run(mail.send_all())
    print(f"Sent {sent} message(s); failures stay queued for the next run.")
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
    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--role", choices=["admin", "organizer", "staff"], required=True)
    create.add_argument("--forum", help="grant the role on this forum (its slug)")
    create.add_argument("--password", help="default: a generated one, printed once")
    create.add_argument("--email", help="for notifications (optional)")
    create.add_argument(
        "--organisation",
        default="default",
        help="an organizer without --forum may create forums for this organisation",
    )
    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="create an API token; prints it as the last line")
    tcreate.add_argument("name", help="the user's name")
    tcreate.add_argument("--label", default="cli", help="what the token is for")
    badges = sub.add_parser("badges", help="badge PDF of a forum's confirmed registrations")
    badges.add_argument("slug")
    badges.add_argument("-o", "--output", required=True, help="the PDF file to write")
    badges.add_argument(
        "--layout", choices=["a6", "a4"], default="a6", help="one A6 badge a page, or four on A4"
    )
    badges.add_argument("--category", help="only this category (its code, e.g. speaker)")
    export = sub.add_parser("export", help="write a forum (with its agenda) as JSON")
    export.add_argument("slug")
    export.add_argument("-o", "--output", help="the file to write (default: standard output)")
    imp = sub.add_parser("import", help="create a forum from a file of `export`")
    imp.add_argument("file")
    imp.add_argument(
        "--organisation", help="an existing organisation's slug (default: the file's own)"
    )
    mail = sub.add_parser("mail", help="the outbox").add_subparsers(dest="action", required=True)
    mail.add_parser("send", help="deliver queued mail that is due (retries included)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "migrate":
        return _migrate()
    if args.command == "demo":
        return _demo(args)
    if args.command == "user":
        return _user(args)
    if args.command == "token":
        return _token(args)
    if args.command == "badges":
        return _badges(args)
    if args.command == "export":
        return _export(args)
    if args.command == "import":
        return _import(args)
    if args.command == "mail":
        return _mail(args)
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
