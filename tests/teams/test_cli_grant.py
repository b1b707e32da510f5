"""`forum-mgmt user grant`: a role for an existing person, on a second forum too."""

from __future__ import annotations

from forum_mgmt.accounts import services as accounts
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Membership, Role
from forum_mgmt.teams.tables import TeamEvent
from tests.conftest import sign_in
from tests.factories import make_forum, make_user
from tests.test_cli import cli


async def test_grant_gives_an_existing_person_a_role_on_a_second_forum(client):
    first = await make_forum()
    second = await make_forum("second-forum")
    await make_user("olga", role=Role.ORGANIZER, forum=first)
    taken = cli("user", "create", "olga", "--role", "staff", "--forum", "second-forum")
    assert (taken.returncode, taken.stderr) == (2, "error: That username is taken.\n")

    done = cli("user", "grant", "olga", "--role", "staff", "--forum", "second-forum")
    assert (done.returncode, done.stdout) == (0, "olga is now staff on forum second-forum.\n")
    olga = await accounts.get_user_by_name("olga")
    assert await forums.role_on(olga, first) == Role.ORGANIZER
    assert await forums.role_on(olga, second) == Role.STAFF
    await sign_in(client, "olga")
    assert (await client.get("/checkin/second-forum")).status_code == 200

    # the last organizer stays one, from the command line too
    demote = cli("user", "grant", "olga", "--role", "staff", "--forum", "test-forum")
    assert demote.returncode == 2
    assert demote.stderr == (
        "error: The team needs at least one organizer: make someone else an organizer first.\n"
    )
    events = await TeamEvent.select(TeamEvent.action, TeamEvent.by_user_id, TeamEvent.role)
    assert events == [{"action": "team.grant", "by_user_id": None, "role": "staff"}]


async def test_grant_to_an_organisation_and_the_errors():
    org = await forums.ensure_organisation("ngo", name="NGO")
    user, _token = await make_user("ken")
    done = cli("user", "grant", "ken", "--role", "organizer", "--organisation", "ngo")
    assert done.returncode == 0, done.stderr
    rows = await Membership.select(Membership.role).where(
        (Membership.organisation == org.id) & (Membership.user == user.id)
    )
    assert rows == [{"role": "organizer"}]
    nobody = cli("user", "grant", "nobody", "--role", "staff", "--organisation", "ngo")
    assert (nobody.returncode, nobody.stderr) == (2, "error: There is no user with that name.\n")
    nowhere = cli("user", "grant", "ken", "--role", "staff", "--forum", "nowhere")
    assert (nowhere.returncode, nowhere.stderr) == (
        2,
        "error: There is no forum at this address.\n",
    )
    both = cli("user", "grant", "ken", "--role", "staff")
    assert both.returncode == 2  # argparse: a forum or an organisation is required
