"""An organizer, a forum with an invitation-only category, and the links mailed to guests."""

from __future__ import annotations

import json
import re

from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user


async def organizer_forum(client, slug: str = "gf", **fields) -> tuple[Forum, dict[str, Category]]:
    forum = await make_forum(slug, **fields)
    await make_user(f"{slug}-org", role=Role.ORGANIZER, forum=forum)
    assert (await sign_in(client, f"{slug}-org")).status_code == 303
    categories = {c.code: c for c in await registration.ensure_categories(forum)}
    return forum, categories


async def form(client, **fields) -> dict:
    return {"_csrf_token": await csrf_token(client), **fields}


async def invite(client, forum: Forum, category: Category, **fields):
    data = {"name": "Guest One", "email": "guest1@example.org", "category": str(category.id)}
    data.update(fields)
    return await client.post(
        f"/manage/forums/{forum.slug}/invitations", data=await form(client, **data)
    )


async def upload(client, forum: Forum, category: Category, content: bytes, **fields):
    return await client.post(
        f"/manage/forums/{forum.slug}/invitations/upload",
        data=await form(client, category=str(category.id), **fields),
        files={"file": ("guests.csv", content, "text/csv")},
    )


async def links(to: str | None = None) -> dict[str, str]:
    """Address -> the secret of the newest invitation link mailed there."""
    rows = (
        await Outbox.select(Outbox.to, Outbox.context)
        .where(Outbox.template == "invitation")
        .order_by(Outbox.id)
    )
    found = {}
    for row in rows:
        context = row["context"] if isinstance(row["context"], dict) else json.loads(row["context"])
        found[row["to"]] = re.search(r"/invitations/([^?]+)", context["invitation_url"])[1]
    return found if to is None else {to: found[to]}


def registration_form(**fields) -> dict:
    data = {"name": "Guest One", "email": "guest1@example.org", "consent": "on", "country": "TW"}
    data.update(fields)
    return data
