"""What the database itself refuses: a second live check-in of a person on one list."""

import pytest

from forum_mgmt.checkin.tables import Checkin
from forum_mgmt.core import time
from tests.checkin.helpers import open_forum, ticket
from tests.factories import make_session


def _row(forum, reg, session=None, **fields) -> Checkin:
    return Checkin(
        forum=forum.id,
        registration=reg.id,
        session=session,
        scanned_at=time.now(),
        created_at=time.now(),
        **fields,
    )


async def test_one_live_check_in_per_person_and_list():
    forum = await open_forum()
    workshop = await make_session(forum, "W", day=forum.starts_on, kind="workshop", capacity=3)
    reg, _code = await ticket(forum)
    await Checkin.insert(_row(forum, reg))
    await Checkin.insert(_row(forum, reg, workshop.id))  # another list
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Checkin.insert(_row(forum, reg))
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Checkin.insert(_row(forum, reg, workshop.id))
    await Checkin.update({Checkin.undone_at: time.now()}).where(Checkin.session.is_null())
    await Checkin.insert(_row(forum, reg))  # after an undo, in again
    assert await Checkin.count() == 3


async def test_a_nonce_once_per_forum():
    forum = await open_forum()
    one, _ = await ticket(forum, 1)
    two, _ = await ticket(forum, 2)
    await Checkin.insert(_row(forum, one, nonce="n"))
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Checkin.insert(_row(forum, two, nonce="n"))
