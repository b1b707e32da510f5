"""Deleting a forum takes everything in it, in one go, and nothing of any other forum; the
organizer types the slug; a published forum that is not over is refused."""

from __future__ import annotations

from forum_mgmt.core import db
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.mail import services as mail
from forum_mgmt.registration import services as registration
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_session, make_user
from tests.privacy.world import build, into_the_past
from tests.registration.helpers import person

# People's accounts are not a forum's: they stay (their roles on the forum go).
ACCOUNTS = {"piccolo_user", "api_token", "migration"}


async def _everything() -> dict[str, list]:
    """Every row of every table but the accounts, from the catalogue."""
    engine = db.engine()
    if db.is_postgres():
        tables = await engine.run_ddl(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
    else:
        tables = await engine.run_ddl(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    names = sorted(t["name"] for t in tables if t["name"] not in ACCOUNTS)
    assert {"registration", "checkin", "outbox", "counter", "star", "booking"} <= set(names)
    return {
        name: [dict(r) for r in await engine.run_ddl(f'SELECT * FROM "{name}" ORDER BY 1')]  # noqa: S608
        for name in names
    }


async def _post(client, slug: str, action: str, confirm: str):
    return await client.post(
        f"/manage/forums/{slug}/privacy/{action}",
        data={"confirm": confirm, "_csrf_token": await csrf_token(client)},
    )


async def test_deleting_a_forum_leaves_no_row_of_it_and_every_row_of_others(client, smtp):
    smtp()
    keep = await make_forum("keep")
    await make_session(keep, "Kept talk")
    await registration.register(keep, person(9))
    await mail.send_all()  # its ticket is issued as its mail goes out, before the snapshot
    before = await _everything()
    world = await build(client)
    await forums.unpublish(world.forum)  # a draft may go whatever its dates

    done = await _post(client, "pf", "delete", "pf")

    assert (done.status_code, done.headers["location"]) == (303, "/manage?deleted=pf")
    assert await _everything() == before
    listing = await client.get("/manage?deleted=pf")
    assert "The forum pf is deleted." in listing.text


async def test_a_past_published_forum_may_be_deleted(client, smtp):
    smtp()
    world = await build(client)
    await into_the_past(world.forum)
    assert (await _post(client, "pf", "delete", "pf")).status_code == 303
    assert await Forum.count() == 0


async def test_a_published_forum_that_is_not_over_is_not_deleted(client, smtp):
    smtp()
    await build(client, people=1)
    refused = await _post(client, "pf", "delete", "pf")
    assert refused.status_code == 409
    assert "unpublish it first" in refused.text
    assert await Forum.count() == 1


async def test_the_slug_must_be_typed(client):
    forum = await make_forum("draft", publish=False)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    for confirm in ("", "Draft", "other"):
        refused = await _post(client, "draft", "delete", confirm)
        assert refused.status_code == 422
        assert "Type draft exactly." in refused.text
    assert await Forum.count() == 1


async def test_a_forum_that_is_not_over_is_not_anonymised_at_once(client):
    forum = await make_forum("soon")
    await registration.register(forum, person(1))
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/soon/privacy")
    assert "can be anonymised at once when it is over" in page.text
    refused = await _post(client, "soon", "anonymise", "soon")
    assert refused.status_code == 409
    assert "Only a forum that is over can be anonymised at once." in refused.text
    assert (await registration.list_registrations(forum, registration.Filters()))[
        0
    ].registration.name == "Person 1"
