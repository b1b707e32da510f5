"""The marker test: after each kind of erasure no marked personal value is left in any text
column of any table, and the forum's figures are what they were."""

from __future__ import annotations

from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.privacy import queries
from forum_mgmt.registration.tables import Registration, Star
from tests.conftest import csrf_token
from tests.privacy.world import DECLINED, build, figures, find, into_the_past, needles
from tests.test_cli import cli


async def _blank(registration_id: int) -> None:
    row = await Registration.objects().where(Registration.id == registration_id).first()
    assert row.anonymised_at is not None
    assert (row.name, row.name_local, row.country) == (queries.MARKER, "", "")
    assert row.email == f"anonymised-{registration_id}"
    assert (row.organization, row.title, row.dietary, row.accessibility) == ("", "", "", "")
    assert row.answers in ("{}", {}) and row.wanted_sessions in ("[]", [])
    assert await Star.count().where(Star.registration == registration_id) == 0


async def _no_guest(forum) -> None:
    """Every invitation of the forum blank, its states kept (used, declined)."""
    rows = await Invitation.objects().where(Invitation.forum == forum.id).order_by(Invitation.id)
    assert [(r.name, r.email) for r in rows] == [("", f"anonymised-{r.id}") for r in rows]
    assert [r.registered_at is not None for r in rows] == [True, True, True, False]
    assert rows[-1].declined_at is not None


async def test_attendee_erasure_leaves_no_marker_and_the_figures(client, smtp):
    inbox = smtp()
    world = await build(client)
    before = await figures(world.forum)
    assert len(await find(needles(world, [1]))) > 10  # the search does find them

    erased = await client.post(f"/api/tickets/{world.tokens[0]}/erase")

    assert (erased.status_code, erased.json()) == (200, {"status": "erased", "cancelled": False})
    # Until it goes out, the last mail is the one place the address and name remain.
    waiting = await find(needles(world, [1]))
    assert waiting and all(hit.startswith(("outbox.to:", "outbox.context:")) for hit in waiting)
    await mail.send_all()
    assert [m["To"] for m in inbox.messages][-1] == "zqxmail1@example.org"
    assert "erased" in inbox.messages[-1]["Subject"]
    assert await find(needles(world, [1])) == []
    await _blank(world.people[0].id)
    came_through = await Invitation.objects().where(Invitation.registration == world.people[0].id)
    assert [(i.name, i.email) for i in came_through] == [("", f"anonymised-{came_through[0].id}")]
    assert await figures(world.forum) == before
    # the others keep everything, the guest who declined too
    assert len(await find(needles(world, [2]))) > 10
    assert len(await find(needles(world, [DECLINED]))) >= 3  # invitation, its mail, the notice


async def test_retention_run_leaves_no_marker_and_the_figures(client, smtp):
    smtp()
    world = await build(client)
    forum = await into_the_past(world.forum)
    before = await figures(forum)

    done = cli("privacy", "apply")

    assert done.returncode == 0, done.stderr
    assert done.stdout == "pf: anonymised 3 registration(s), 90 days after its last day\n"
    assert await find(needles(world, [1, 2, 3, DECLINED])) == []
    for person in world.people:
        await _blank(person.id)
    await _no_guest(forum)
    assert await figures(forum) == before
    again = cli("privacy", "apply")
    assert again.stdout == "Nothing to anonymise: no forum is past its retention period.\n"


async def test_organizer_purge_leaves_no_marker_and_the_figures(client, smtp):
    smtp()
    world = await build(client)
    forum = await into_the_past(world.forum, days=3)  # well inside its retention period
    before = await figures(forum)

    done = await client.post(
        "/manage/forums/pf/privacy/anonymise",
        data={"confirm": "pf", "_csrf_token": await csrf_token(client)},
    )

    assert (done.status_code, done.headers["location"]) == (
        303,
        "/manage/forums/pf/privacy?anonymised=3",
    )
    assert await find(needles(world, [1, 2, 3, DECLINED])) == []
    await _no_guest(forum)
    assert await figures(forum) == before
    page = await client.get("/manage/forums/pf/registrations")
    assert page.text.count("Anonymised") == 3
    assert await Outbox.count().where(Outbox.forum_id == forum.id) == 0
