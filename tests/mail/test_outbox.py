"""The outbox table: each row names the forum it is about."""

import importlib

from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services
from tests.factories import make_forum
from tests.registration.helpers import person

backfill = importlib.import_module(
    "forum_mgmt.mail.piccolo_migrations.mail_0003_outbox_forum_backfill"
).backfill


async def test_mail_about_a_forum_names_it_and_other_mail_names_none():
    forum = await make_forum(capacity=5)
    await services.register(forum, person(1))
    await mail.enqueue("x@example.org", "link", language="en", context={}, forum_id=None)
    rows = await Outbox.select(Outbox.to, Outbox.forum_id).order_by(Outbox.id)
    assert rows == [
        {"to": "person1@example.org", "forum_id": forum.id},
        {"to": "x@example.org", "forum_id": None},
    ]


async def test_the_migration_names_the_forum_of_rows_queued_before_the_column():
    forum = await make_forum(capacity=5)
    other = await make_forum("other-forum")
    await services.register(forum, person(1))
    await services.register(other, person(1))
    await mail.enqueue("x@example.org", "link", language="en", context={}, forum_id=None)
    gone = {"forum": {"slug": "no-such-forum"}}
    await mail.enqueue("y@example.org", "link", language="en", context=gone, forum_id=None)
    await Outbox.update({Outbox.forum_id: None}, force=True)
    await backfill()
    rows = await Outbox.select(Outbox.to, Outbox.forum_id).order_by(Outbox.id)
    assert rows == [
        {"to": "person1@example.org", "forum_id": forum.id},
        {"to": "person1@example.org", "forum_id": other.id},
        {"to": "x@example.org", "forum_id": None},
        {"to": "y@example.org", "forum_id": None},
    ]
    await backfill()  # a second run changes nothing
    assert await Outbox.select(Outbox.to, Outbox.forum_id).order_by(Outbox.id) == rows
