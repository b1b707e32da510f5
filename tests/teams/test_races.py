"""At once: two organizers removed or demoted together leave one; a link accepted twice
together makes one account. On PostgreSQL the statements really run side by side."""

from __future__ import annotations

import asyncio

import pytest

from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums.tables import ForumRole, Role
from forum_mgmt.teams import services as teams
from forum_mgmt.teams.services import Team
from forum_mgmt.teams.tables import TeamInvitation
from tests.factories import make_forum, make_user
from tests.teams.helpers import NEW_PASSWORD, link_in_mail


async def _organizers(forum) -> int:
    return await ForumRole.count().where(
        (ForumRole.forum == forum.id) & (ForumRole.role == Role.ORGANIZER)
    )


@pytest.mark.parametrize("how", ["remove", "demote"])
async def test_two_organizers_taken_off_at_once_leave_one(how):
    forum = await make_forum()
    team = Team(forum=forum)
    for round_ in range(5):
        people = [
            (await make_user(f"o{round_}{i}", role=Role.ORGANIZER, forum=forum))[0]
            for i in range(3)
        ]
        if round_:  # the survivor of the round before goes too
            await ForumRole.delete().where(
                (ForumRole.forum == forum.id) & ForumRole.user.not_in([p.id for p in people])
            )

        async def off(person):
            if how == "remove":
                await teams.remove(team, person.id, by=person)
            else:
                await teams.change_role(team, person.id, Role.STAFF, by=person)

        results = await asyncio.gather(*(off(p) for p in people), return_exceptions=True)
        refused = [r for r in results if isinstance(r, DomainError)]
        assert [r.code for r in refused] == ["last_organizer"], results
        assert await _organizers(forum) == 1


async def test_a_link_accepted_twice_at_once_makes_one_account():
    forum = await make_forum()
    organizer, _token = await make_user("olga", role=Role.ORGANIZER, forum=forum)
    await teams.invite(
        Team(forum=forum), email="mei@example.org", role=Role.STAFF, language="en", by=organizer
    )
    # the token itself is only in the mail: read it the way a person would
    token = (await link_in_mail("mei@example.org")).rsplit("/", 1)[1]
    results = await asyncio.gather(
        *(teams.accept_new(token, username=f"mei{i}", password=NEW_PASSWORD) for i in range(3)),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert all(isinstance(r, DomainError) for r in results if r not in made)
    assert await ForumRole.count().where(ForumRole.forum == forum.id) == 2
    row = await TeamInvitation.select(TeamInvitation.accepted_by).first()
    assert row == {"accepted_by": made[0][1].id}
