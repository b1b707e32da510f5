"""A session's bookings count against its room's seats whoever changes it: the service asks
the bookings count registered at start-up, so no caller can leave the bookings out."""

import pytest

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import SessionPatch
from forum_mgmt.agenda.services import clashes
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, make_forum, make_room, make_session, make_user
from tests.registration.helpers import person

BOOKED_CLASH = "3 people have booked, but Small holds 2."


async def _booked_workshop(slug: str = "tf"):
    forum = await make_forum(slug)
    big = await make_room(forum, "Big", capacity=40)
    small = await make_room(forum, "Small", capacity=2)
    workshop = await make_session(forum, "Workshop", room=big, kind="workshop")
    for n in range(3):
        outcome = await registration.register(forum, person(n))
        await registration.book_session(forum, outcome.registration, workshop.id)
    return forum, small, workshop


async def _room_of(session_id: int) -> int:
    return (await AgendaSession.objects().where(AgendaSession.id == session_id).first()).room


async def test_a_caller_naming_no_bookings_still_meets_the_capacity_clash():
    forum, small, workshop = await _booked_workshop()
    with pytest.raises(services.AgendaClash) as refused:
        await services.update_session(forum, workshop.id, SessionPatch(room_id=small.id))
    assert [(c.kind, c.message) for c in refused.value.clashes] == [("capacity", BOOKED_CLASH)]
    assert await _room_of(workshop.id) != small.id
    preview = await services.preview_session(
        forum,
        SessionPatch(starts_at=workshop.starts_at, ends_at=workshop.ends_at, room_id=small.id),
        session_id=workshop.id,
    )
    assert [(c.kind, c.message) for c in preview] == [("capacity", BOOKED_CLASH)]


async def test_bookings_cannot_be_passed_as_a_figure_any_more():
    forum, small, workshop = await _booked_workshop()
    with pytest.raises(TypeError):
        await services.update_session(  # type: ignore[call-arg]  # the keyword is gone
            forum, workshop.id, SessionPatch(room_id=small.id), booked=0
        )
    assert await _room_of(workshop.id) != small.id


async def test_without_a_registered_bookings_count_an_edit_is_refused_not_waved_through(
    monkeypatch,
):
    forum, small, workshop = await _booked_workshop()
    monkeypatch.setattr(clashes, "_bookings_count", None)  # a process that forgot to install it
    with pytest.raises(RuntimeError, match="register_bookings_count"):
        await services.update_session(forum, workshop.id, SessionPatch(room_id=small.id))
    assert await _room_of(workshop.id) != small.id


async def test_moving_a_booked_workshop_on_the_grid_into_a_small_room_is_a_clash(client):
    forum, small, workshop = await _booked_workshop("qf")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    moved = await client.post(
        "/manage/forums/qf/agenda/move",
        data={
            "_csrf_token": token,
            "session_id": str(workshop.id),
            "room_id": str(small.id),
            "day": DAY.isoformat(),
            "start": "09:00",
        },
    )
    assert moved.status_code == 409
    assert BOOKED_CLASH in moved.text
    assert await _room_of(workshop.id) != small.id
