"""The team rules called directly: a higher role is kept, the trail names who and whom."""

from __future__ import annotations

from forum_mgmt.forums.tables import Role
from forum_mgmt.teams import services as teams
from forum_mgmt.teams.services import Team
from forum_mgmt.teams.tables import TeamEvent
from tests.factories import make_forum, make_user
from tests.teams.helpers import link_in_mail


async def test_accepting_a_lower_role_keeps_the_higher_one_and_is_recorded():
    forum = await make_forum()
    team = Team(forum=forum)
    olga, _token = await make_user("olga", role=Role.ORGANIZER, forum=forum)
    ken, _token = await make_user("ken", role=Role.ORGANIZER, forum=forum)
    await teams.remove(team, ken.id, by=olga)
    await teams.invite(team, email="KEN@users.invalid", role=Role.STAFF, language="en", by=olga)
    await teams.change_role(team, olga.id, Role.ORGANIZER, by=olga)  # no change: allowed
    token = (await link_in_mail("KEN@users.invalid")).rsplit("/", 1)[1]
    opened = await teams.open_invitation(token)
    assert opened.account is not None and opened.account.id == ken.id  # case-blind address
    await teams.set_role(team, ken, Role.ORGANIZER, by=None)  # the command line, meanwhile
    await teams.accept_signed_in(token, ken)
    assert await teams.role_in(team, ken.id) == Role.ORGANIZER
    assert [(m.username, m.role) for m in await teams.members(team)] == [
        ("ken", Role.ORGANIZER),
        ("olga", Role.ORGANIZER),
    ]
    history = await teams.history(team)
    assert [(e.action, e.by, e.whom, e.role) for e in reversed(history)] == [
        ("team.remove", "olga", "ken", "organizer"),
        ("team.invite", "olga", "KEN@users.invalid", "staff"),
        ("team.role", "olga", "olga", "organizer"),
        ("team.grant", None, "ken", "organizer"),
        ("team.accept", "ken", "ken", "organizer"),
    ]
    assert await TeamEvent.count() == 5
