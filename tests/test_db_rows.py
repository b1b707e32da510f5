"""Rows built from raw SQL (core/db.py: row_from, as_saved, and insert) rely on Piccolo's
private `_exists_in_db` flag: `save()` of such a row must UPDATE it. These tests fail
when Piccolo changes that behaviour."""

from piccolo.query.methods.insert import Insert
from piccolo.query.methods.update import Update

from forum_mgmt.core import db
from forum_mgmt.forums import queries
from forum_mgmt.forums.tables import Forum, Organisation
from tests.factories import make_forum


async def test_a_new_row_object_carries_the_flag_unset_and_its_save_inserts():
    org = Organisation(slug="new-org", name="New Org")
    assert org._exists_in_db is False
    assert isinstance(org.save(), Insert)


async def test_a_row_built_from_raw_sql_saves_as_an_update_of_that_row():
    forum = await make_forum()
    rows = await Forum.raw("SELECT * FROM forum WHERE id = {}", forum.id)
    row = db.row_from(Forum, rows[0])
    assert isinstance(row.save(), Update)
    row.name = "Renamed"
    await row.save([Forum.name])
    assert await Forum.select(Forum.id, Forum.slug, Forum.name) == [
        {"id": forum.id, "slug": "test-forum", "name": "Renamed"}
    ]


async def test_a_row_saved_by_insert_saves_again_as_an_update():
    org = Organisation(slug="fast-org", name="Fast Org")
    await db.insert(org)
    assert isinstance(org.save(), Update)
    org.name = "Still One Org"
    await org.save()
    assert await Organisation.select(Organisation.id, Organisation.name) == [
        {"id": org.id, "name": "Still One Org"}
    ]


async def test_forum_by_slug_reads_the_same_row_as_piccolo():
    await make_forum(publish=False)
    raw = await queries.forum_by_slug("test-forum")
    built = await Forum.objects().where(Forum.slug == "test-forum").first()
    assert raw is not None
    assert raw.to_dict() == built.to_dict()
    assert await queries.forum_by_slug("no-such-forum") is None
