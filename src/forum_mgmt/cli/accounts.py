"""`forum-mgmt user create`, `user grant` and `forum-mgmt token create`: accounts and API tokens."""

from __future__ import annotations

import argparse
import asyncio
import sys


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    create.set_defaults(run=_user)
    grant = user.add_parser("grant", help="give an existing user a role on a forum")
    grant.add_argument("name")
    grant.add_argument("--role", choices=["organizer", "staff"], required=True)
    place = grant.add_mutually_exclusive_group(required=True)
    place.add_argument("--forum", help="the forum's slug")
    place.add_argument("--organisation", help="or an organisation's slug (its members)")
    grant.set_defaults(run=_grant)
    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="create an API token; prints it as the last line")
    tcreate.add_argument("name", help="the user's name")
    tcreate.add_argument("--label", default="cli", help="what the token is for")
    tcreate.set_defaults(run=_token)


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


async def _grant_role(args: argparse.Namespace) -> None:
    from forum_mgmt.accounts import services as accounts
    from forum_mgmt.forums import services as forums
    from forum_mgmt.forums.tables import Role
    from forum_mgmt.teams import services as teams

    user = await accounts.get_user_by_name(args.name)
    if args.forum:
        team = teams.Team(forum=await forums.get_forum(args.forum))
    else:
        team = teams.Team(organisation=await teams.get_organisation(args.organisation))
    await teams.set_role(team, user, Role(args.role), by=None)


def _grant(args: argparse.Namespace) -> int:
    from forum_mgmt.core.errors import DomainError

    try:
        asyncio.run(_grant_role(args))
    except DomainError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
    where = f"forum {args.forum}" if args.forum else f"organisation {args.organisation}"
    print(f"{args.name} is now {args.role} on {where}.")
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
