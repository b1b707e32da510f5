"""A forum full of personal data marked with unique strings, and a search for those strings
in every text column of every table, found through the database's own catalogue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from forum_mgmt.audit.services import Actor
from forum_mgmt.checkin import services as checkin
from forum_mgmt.checkin.schemas import ScanIn
from forum_mgmt.core import db, time
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.invitations import services as invitations
from forum_mgmt.mail import services as mail
from forum_mgmt.mail.tables import Outbox
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.tables import Registration
from forum_mgmt.tickets import services as tickets
from tests.conftest import sign_in
from tests.factories import make_forum, make_session, make_user

TZ = "Asia/Taipei"
# Lower case: the e-mail is stored lower-cased, and the search ignores case anyway.
MARK = "zqx"


def marks(n: int) -> dict[str, str]:
    """A value for every personal text field of person n, each unique in the database."""
    return {
        "name": f"{MARK}name{n}",
        "name_local": f"林{MARK}local{n}",
        "email": f"{MARK}mail{n}@example.org",
        "organization": f"{MARK}org{n}",
        "title": f"{MARK}title{n}",
        "dietary": f"{MARK}diet{n}",
        "accessibility": f"{MARK}access{n}",
        "answer": f"{MARK}answer{n}",
    }


@dataclasses.dataclass
class World:
    forum: Forum
    people: list[Registration]
    tokens: list[str]  # their private links' secrets, each a marker too
    organizer: str  # a username


async def build(client, slug: str = "pf", people: int = 3) -> World:
    """A forum running today with `people` marked registrations, each with a ticket, a
    workshop booking, a star, answers to a question of each kind, a check-in (all but the
    last), mail sent and mail still queued; the organizer has downloaded the CSV and the
    badges, and each person their calendar feed."""
    today = time.today(TZ)
    forum = await make_forum(slug, starts_on=today, ends_on=today, timezone=TZ)
    workshop = await make_session(forum, "Workshop", day=today, kind="workshop", capacity=10)
    talk = await make_session(forum, "Talk", start="11:00", end="12:00", day=today)
    text = await registration.add_question(forum, label="Anything else?", kind="text")
    choice = await registration.add_question(
        forum, label="Which?", kind="choice", choices="Alpha\nBeta"
    )
    yesno = await registration.add_question(forum, label="Photos?", kind="yesno")
    staff, _secret = await make_user(f"{slug}-staff", role=Role.STAFF, forum=forum)
    organizer, _secret = await make_user(f"{slug}-org", role=Role.ORGANIZER, forum=forum)
    regs, tokens = [], []
    for n in range(1, people + 1):
        m = marks(n)
        data = RegistrationIn(
            name=m["name"],
            name_local=m["name_local"],
            email=m["email"],
            organization=m["organization"],
            title=m["title"],
            country="NZ",
            dietary=m["dietary"],
            accessibility=m["accessibility"],
            answers={str(text.id): m["answer"], str(choice.id): "Beta", str(yesno.id): "yes"},
            consent=True,
            session_ids=[workshop.id],
        )
        # Each came through an invitation (name and address in it, and in its mail).
        _forum, outcome = await invitations.register(await _invited(forum, m), data)
        reg = outcome.registration
        await tickets.issue(forum, reg)
        await registration.star(forum, reg, talk.id)
        if n < people:
            scan = ScanIn(registration_id=reg.id, gate="Main", nonce=f"{slug}-{n}")
            await checkin.check_in(forum, scan, by=staff)
        regs.append(reg)
        tokens.append(reg.token)
    # A guest who declined: named in the invitation and in the organizers' notice.
    await invitations.decline(await _invited(forum, marks(DECLINED)))
    await mail.send_all()  # the confirmations go out
    await registration.mail_group(
        forum, registration.Filters(), subject="Hello", body="Hi", by=Actor(organizer.id)
    )
    for token in tokens:
        assert (await client.get(f"/tickets/{token}/agenda.ics")).status_code == 200
    assert (await sign_in(client, organizer.username)).status_code == 303
    csv = await client.get(f"/manage/forums/{slug}/registrations.csv")
    assert marks(1)["organization"] in csv.text
    assert (await client.get(f"/manage/forums/{slug}/badges.pdf")).status_code == 200
    return World(forum, regs, tokens, organizer.username)


DECLINED = 9  # the marks of the guest who declined


async def _invited(forum: Forum, m: dict[str, str]) -> str:
    """Invite the marked person (the forum's attendee category); the link's secret."""
    attendee = (await registration.ensure_categories(forum))[0]
    invited = await invitations.invite(
        forum, attendee, name=m["name"], email=m["email"], options=invitations.Options()
    )
    mailed = await Outbox.objects().where(Outbox.id == invited.outbox_id).first()
    context = mailed.context if isinstance(mailed.context, dict) else json.loads(mailed.context)
    return context["invitation_url"].rsplit("/", 1)[1].split("?")[0]


async def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text, varchar and JSON column, from the catalogue."""
    engine = db.engine()
    if db.is_postgres():
        rows = await engine.run_ddl(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        return sorted((r["table_name"], r["column_name"]) for r in rows)
    tables = await engine.run_ddl("SELECT name FROM sqlite_master WHERE type = 'table'")
    found = []
    for t in tables:
        for c in await engine.run_ddl(f'PRAGMA table_info("{t["name"]}")'):
            kind = c["type"].upper()
            if any(word in kind for word in ("CHAR", "TEXT", "JSON", "CLOB")) or not kind:
                found.append((t["name"], c["name"]))
    return sorted(found)


async def find(needles: list[str]) -> list[str]:
    """Where any of the needles appears: "table.column: value" for each hit."""
    columns = await text_columns()
    assert ("registration", "email") in columns and ("outbox", "context") in columns
    lowered = [n.lower() for n in needles]
    hits = []
    for table, column in columns:
        rows = await db.engine().run_ddl(f'SELECT "{column}" AS v FROM "{table}"')  # noqa: S608
        for row in rows:
            value = str(row["v"]).lower()
            if any(n in value for n in lowered):
                hits.append(f"{table}.{column}: {row['v']!r}"[:300])
    return hits


def needles(world: World, people: list[int]) -> list[str]:
    """Every marker of these people (1-based), their old links' secrets too; DECLINED is
    the guest who declined (a name and an address only)."""
    found = []
    for n in people:
        if n == DECLINED:
            found += [marks(n)["name"], marks(n)["email"]]
            continue
        found += marks(n).values()
        found.append(world.tokens[n - 1])
    return found


async def figures(forum: Forum) -> dict:
    """The forum's figures as the check-in dashboard and the registration list count them."""
    stats = dataclasses.asdict(await checkin.stats(forum))
    stats.pop("generated_at")
    return {"stats": stats, "counts": await registration.counts(forum)}


async def into_the_past(forum: Forum, days: int = 200) -> Forum:
    """The forum's days moved back (its check-ins and mail keep their own dates)."""
    day = time.today(TZ) - dt.timedelta(days=days)
    await Forum.update({Forum.starts_on: day, Forum.ends_on: day}).where(Forum.id == forum.id)
    return await Forum.objects().where(Forum.id == forum.id).first()
