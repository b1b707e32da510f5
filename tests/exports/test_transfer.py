import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

from forum_mgmt import demo
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import SessionPatch
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core import db
from forum_mgmt.core.errors import DomainError
from forum_mgmt.exports import services
from forum_mgmt.forums.tables import Forum, Organisation
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category, Counter, Question, Registration
from tests.conftest import TABLES
from tests.exports.factories import export_forum
from tests.factories import DAY, TODAY, at
from tests.registration.helpers import person

ALL = (
    Organisation,
    Forum,
    Room,
    Track,
    Speaker,
    AgendaSession,
    SessionSpeaker,
    Category,
    Question,
    Counter,
)
DEFAULT_CODES = ["attendee", "speaker", "press", "vip", "staff"]


async def _wipe() -> None:
    for table in TABLES:
        await db.engine().run_ddl(f'DELETE FROM "{table}"')  # noqa: S608 - our table names


async def _counts() -> list[int]:
    return [await table.count() for table in ALL]


async def _changed_demo() -> Forum:
    forum, _created = await demo.load(DAY)
    sessions = await AgendaSession.objects().order_by(AgendaSession.id)
    await agenda.remove_session(forum, sessions[3].id)
    await agenda.update_session(forum, sessions[4].id, SessionPatch(title="Renamed panel"))
    return forum


async def test_export_import_export_gives_the_same_bytes():
    forum = await _changed_demo()
    first = await services.export_forum(forum.slug)
    await _wipe()
    imported = await services.import_forum(first)
    assert (imported.slug, imported.status) == ("ngo-leaders-forum-2026", "published")
    second = await services.export_forum(forum.slug)
    assert second == first
    doc = json.loads(second)
    assert [s["title"] for s in doc["sessions"] if s["cancelled_at"]] == ["Coffee break"]
    assert [s["sequence"] for s in doc["sessions"] if s["title"] == "Renamed panel"] == [1]
    assert doc["sessions"][1]["starts_at"] == at("09:00")
    assert doc["sessions"][4]["speakers"] == [
        {"speaker": "speaker-3", "role": "moderator"},
        {"speaker": "speaker-4", "role": "panelist"},
        {"speaker": "speaker-7", "role": "panelist"},
    ]
    assert "林佳龍" in second.decode()


async def test_a_draft_with_a_registration_window_travels_exactly():
    yesterday = TODAY - dt.timedelta(days=1)
    opens = dt.datetime.combine(yesterday, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    forum, _it = await export_forum(
        "draft-one",
        publish=False,
        registration_opens_at=opens,
        registration_closes_at=opens + dt.timedelta(days=20),
    )
    first = await services.export_forum(forum.slug)
    doc = json.loads(first)
    assert doc["forum"]["status"] == "draft"
    assert doc["forum"]["registration_opens_at"] == at("09:00", yesterday)
    assert [r["key"] for r in doc["rooms"]] == ["room-1", "room-2"]
    assert doc["sessions"][0]["room"] == "room-1" and doc["sessions"][0]["track"] == "track-1"
    await _wipe()
    await services.import_forum(first)
    assert await services.export_forum(forum.slug) == first


async def test_an_import_refuses_a_slug_in_use_and_writes_nothing():
    forum, _it = await export_forum()
    data = await services.export_forum(forum.slug)
    before = await _counts()
    with pytest.raises(services.InvalidForumFile) as err:
        await services.import_forum(data)
    assert err.value.message == "A forum with the slug “tf” exists already; nothing was imported."
    assert await _counts() == before


async def _set_up_registration(forum: Forum) -> None:
    """A VIP quota, an invitation-only category that needs approval, and questions whose
    positions have a gap (a removed question)."""
    codes = {c.code: c for c in await registration.ensure_categories(forum)}
    await registration.update_category(
        forum, codes["vip"].id, public=False, approval=False, quota=1
    )
    await registration.update_category(
        forum, codes["speaker"].id, public=False, approval=True, quota=0
    )
    gone = await registration.add_question(forum, label="Your website", kind="text")
    await registration.add_question(
        forum,
        label="How did you hear of us?",
        label_local="您如何得知本論壇？",
        kind="choice",
        choices="A friend\n朋友介紹\nThe news",
        required=True,
    )
    await registration.add_question(
        forum, label="Do you need a visa letter?", label_local="需要簽證邀請函嗎？", kind="yesno"
    )
    await registration.remove_question(forum, gone.id)


def _category(code: str, position: int, **fields) -> dict:
    fields = {"public": False, "approval": False, "quota": 0} | fields
    name = {"vip": "VIP"}.get(code, code.capitalize())
    local = {
        "attendee": "與會者",
        "speaker": "講者",
        "press": "媒體",
        "vip": "貴賓",
        "staff": "工作人員",
    }
    return {"code": code, "name": name, "name_local": local[code], **fields, "position": position}


async def test_the_registration_set_up_travels_and_the_imported_forum_signs_people_up(client):
    forum, _it = await export_forum(capacity=10, waitlist=False)
    await _set_up_registration(forum)
    choice = (await registration.questions(forum))[0]
    await registration.register(forum, person(9, answers={str(choice.id): "A friend"}))
    first = await services.export_forum(forum.slug)
    doc = json.loads(first)
    assert (doc["forum"]["capacity"], doc["forum"]["waitlist"], doc["forum"]["approval"]) == (
        10,
        False,
        False,
    )
    assert doc["categories"] == [
        _category("attendee", 0, public=True),
        _category("speaker", 1, approval=True),
        _category("press", 2, public=True, approval=True),
        _category("vip", 3, quota=1),
        _category("staff", 4),
    ]
    assert doc["questions"] == [
        {
            "label": "How did you hear of us?",
            "label_local": "您如何得知本論壇？",
            "kind": "choice",
            "choices": ["A friend", "朋友介紹", "The news"],
            "choices_local": [],
            "required": True,
            "position": 1,
        },
        {
            "label": "Do you need a visa letter?",
            "label_local": "需要簽證邀請函嗎？",
            "kind": "yesno",
            "choices": [],
            "choices_local": [],
            "required": False,
            "position": 2,
        },
    ]
    # People stay behind: the registrations CSV and a database backup are for them.
    assert set(doc) == {
        *("format", "version", "organisation", "forum", "rooms", "tracks", "speakers"),
        *("sessions", "categories", "questions"),
    }
    assert "person9@example.org" not in first.decode()

    await _wipe()
    imported = await services.import_forum(first)
    assert await services.export_forum(forum.slug) == first
    # The seat counters exist before anyone signs up, as when a forum gets its categories.
    categories = await Category.objects().order_by(Category.position)
    assert [c.code for c in categories] == DEFAULT_CODES
    assert {r["key"] for r in await Counter.select(Counter.key)} == {
        f"forum:{imported.id}",
        f"waitlist:{imported.id}",
        f"shared:{imported.id}",
        *(f"category:{c.id}" for c in categories),
    }

    page = (await client.get("/forums/tf/register")).text
    assert re.findall(r'<option value="([a-z]+)"', page) == ["attendee", "press"]
    assert "How did you hear of us?" in page and "朋友介紹" in page
    assert "需要簽證邀請函嗎？" in (await client.get("/forums/tf/register?lang=zh-TW")).text

    choice, yesno = await registration.questions(imported)
    answers = {str(choice.id): "朋友介紹", str(yesno.id): "yes"}
    signed_up = await registration.register(imported, person(1, answers=answers))
    assert signed_up.registration.status == "confirmed"
    saved = await Registration.select(Registration.answers).first()
    assert registration.loaded(saved["answers"]) == answers
    with pytest.raises(DomainError) as err:
        await registration.register(imported, person(2, answers={str(choice.id): "Maybe"}))
    assert err.value.fields == {f"answers.{choice.id}": "Choose one of the options."}
    with pytest.raises(DomainError) as err:
        await registration.register(imported, person(2, category="vip", answers=answers))
    assert err.value.fields == {"category": "This category is by invitation only."}

    vip = await registration.register(
        imported, person(3, category="vip", answers=answers), by_organizer=True
    )
    assert vip.registration.status == "confirmed"
    with pytest.raises(DomainError) as err:
        await registration.register(
            imported, person(4, category="vip", answers=answers), by_organizer=True
        )
    assert (err.value.code, err.value.message) == ("full", "This forum is full.")
    speaker = await registration.register(
        imported, person(5, category="speaker", answers=answers), by_organizer=True
    )
    assert speaker.registration.status == "pending"


async def test_a_file_from_before_categories_and_questions_imports_with_the_defaults():
    forum, _it = await export_forum()
    doc = json.loads(await services.export_forum(forum.slug))
    assert (doc["categories"], doc["questions"]) == ([], [])  # never used: none made yet
    await registration.add_question(forum, label="Website", kind="text")
    del doc["categories"], doc["questions"]
    await _wipe()
    imported = await services.import_forum(json.dumps(doc).encode())
    assert (await Category.count(), await Question.count()) == (0, 0)
    signed_up = await registration.register(imported, person(1))
    assert signed_up.registration.status == "confirmed"
    assert [c.code for c in await registration.ensure_categories(imported)] == DEFAULT_CODES
    assert json.loads(await services.export_forum("tf"))["categories"] == [
        _category("attendee", 0, public=True),
        _category("speaker", 1),
        _category("press", 2, public=True, approval=True),
        _category("vip", 3),
        _category("staff", 4),
    ]


async def test_the_file_s_own_categories_are_the_forum_s_without_the_defaults():
    forum, _it = await export_forum(capacity=5)
    doc = json.loads(await services.export_forum(forum.slug))
    doc["categories"] = [
        {"code": "delegate", "name": "Delegate", "name_local": "代表"},
        {
            "code": "partner",
            "name": "Partner",
            "name_local": "合作夥伴",
            "public": False,
            "quota": 2,
            "position": 1,
        },
    ]
    await _wipe()
    imported = await services.import_forum(json.dumps(doc).encode())
    categories = await registration.ensure_categories(imported)
    assert [(c.code, c.name, c.name_local, c.public, c.quota) for c in categories] == [
        ("delegate", "Delegate", "代表", True, 0),
        ("partner", "Partner", "合作夥伴", False, 2),
    ]
    assert await Category.count() == 2
    with pytest.raises(DomainError) as err:
        await registration.register(imported, person(1))
    assert err.value.fields == {"category": "Choose one of the categories."}
    signed_up = await registration.register(imported, person(2, category="delegate"))
    assert signed_up.registration.status == "confirmed"


def _bad_files(good: dict) -> dict[str, tuple[bytes, str]]:
    unknown_room = json.loads(json.dumps(good))
    unknown_room["sessions"][0]["room"] = "room-9"
    backwards = json.loads(json.dumps(good))
    backwards["sessions"][-1]["ends_at"] = backwards["sessions"][-1]["starts_at"]
    twice = json.loads(json.dumps(good))
    twice["speakers"][1]["key"] = twice["speakers"][0]["key"]
    missing = json.loads(json.dumps(good))
    del missing["forum"]["starts_on"]
    uid_twice = json.loads(json.dumps(good))
    uid_twice["sessions"][1]["uid"] = uid_twice["sessions"][0]["uid"]
    no_uuid = json.loads(json.dumps(good))
    no_uuid["rooms"][1]["uid"] = "room-2"

    def changed(capacity: int = 0, categories=(), questions=()) -> bytes:
        doc = json.loads(json.dumps(good))
        doc["forum"]["capacity"] = capacity
        doc["categories"], doc["questions"] = list(categories), list(questions)
        return json.dumps(doc).encode()

    vip = {"code": "vip", "name": "VIP", "quota": 2}
    return {
        "category code twice": (
            changed(categories=[vip, vip | {"name": "Guest"}]),
            "Nothing was imported: Some fields need attention. $.categories[1].code: "
            "Choose another.",
        ),
        "bad category code": (
            changed(categories=[vip | {"code": "V I P"}]),
            "This is not a forum file: Expected `str` matching regex",
        ),
        "quota over capacity": (
            changed(1, [vip]),
            "Nothing was imported: A quota is a number of seats within the forum's capacity. "
            "$.categories[0].quota: Between 0 and the forum's capacity.",
        ),
        "quotas over capacity": (
            changed(3, [vip, vip | {"code": "press"}]),
            "Nothing was imported: The quotas together would exceed the forum's capacity.",
        ),
        "one option": (
            changed(questions=[{"label": "Lunch?", "kind": "choice", "choices": ["Yes"]}]),
            "Nothing was imported: Some fields need attention. $.questions[0].choices: "
            "Give at least two options, one per line.",
        ),
        "unknown question kind": (
            changed(questions=[{"label": "Lunch?", "kind": "essay"}]),
            "This is not a forum file: Invalid enum value 'essay' - at `$.questions[0].kind`",
        ),
        "not json": (b"{nope", "This is not a forum file: JSON is malformed"),
        "missing field": (
            json.dumps(missing).encode(),
            "This is not a forum file: Object missing required field `starts_on` - at `$.forum`",
        ),
        "unknown room": (
            json.dumps(unknown_room).encode(),
            "Session 1 names “room-9”, which is not in the file's “rooms”.",
        ),
        "key twice": (json.dumps(twice).encode(), "Each key in “speakers” must be used once."),
        "uid twice": (json.dumps(uid_twice).encode(), "Each uid in “sessions” must be used once."),
        "not a uuid": (
            json.dumps(no_uuid).encode(),
            "This is not a forum file: Invalid UUID - at `$.rooms[1].uid`",
        ),
        "ends before it starts": (
            json.dumps(backwards).encode(),
            "Nothing was imported: Session 2 (“Panel on partners”): Some fields need "
            "attention. ends_at: A session must end after it starts.",
        ),
    }


async def test_a_bad_file_fails_with_a_clear_message_and_writes_nothing():
    forum, _it = await export_forum()
    good = json.loads(await services.export_forum(forum.slug))
    await _wipe()
    for name, (data, message) in _bad_files(good).items():
        with pytest.raises(services.InvalidForumFile) as err:
            await services.import_forum(data)
        assert err.value.message.startswith(message), name
        assert await _counts() == [0] * len(ALL), name


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "forum_mgmt.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


async def test_the_command_line_exports_and_imports(tmp_path):
    forum, _it = await export_forum()
    out = tmp_path / "forum.json"
    done = _cli("export", forum.slug, "-o", str(out))
    assert done.returncode == 0, done.stderr
    printed = _cli("export", forum.slug)
    assert printed.stdout.encode() == out.read_bytes()
    assert _cli("export", "nobody").stderr.strip() == (
        "Cannot export “nobody”: There is no forum at this address."
    )
    refused = _cli("import", str(out))
    assert refused.returncode == 1
    assert "exists already; nothing was imported" in refused.stderr
    await _wipe()
    bad = tmp_path / "bad.json"
    doc = json.loads(out.read_bytes())
    doc["sessions"][1]["speakers"][0]["speaker"] = "speaker-99"
    bad.write_text(json.dumps(doc))
    failed = _cli("import", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.strip() == (
        f"Cannot import {bad}: Session 2 names “speaker-99”, which is not in the file's “speakers”."
    )
    assert await _counts() == [0] * len(ALL)
    imported = _cli("import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Imported the forum “Test Forum” as tf (published)."
    assert await services.export_forum("tf") == out.read_bytes()


async def test_a_forum_here_already_under_another_slug_is_refused_and_nothing_written(tmp_path):
    """A uid names one room, speaker or session in the world; copying a forum takes new ones."""
    forum, it = await export_forum()
    doc = json.loads(await services.export_forum(forum.slug))
    assert [s["uid"] for s in doc["sessions"]] == [str(it["opening"].uid), str(it["panel"].uid)]
    doc["forum"]["slug"] = "tf-copy"
    del doc["sessions"][0]["uid"]
    for name in ("rooms", "speakers"):
        for item in doc[name]:
            del item["uid"]
    before = await _counts()
    with pytest.raises(services.InvalidForumFile) as err:
        await services.import_forum(json.dumps(doc).encode())
    message = (
        f"Item 2 of “sessions” (uid {it['panel'].uid}) is in the forum “tf” here already; "
        "nothing was imported. To import a copy, remove the “uid” fields from the file."
    )
    assert (err.value.status_code, err.value.message) == (422, message)
    assert await _counts() == before

    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(doc))
    refused = _cli("import", str(copy))
    assert (refused.returncode, refused.stderr.strip()) == (1, f"Cannot import {copy}: {message}")
    assert await _counts() == before

    del doc["sessions"][1]["uid"]
    copied = await services.import_forum(json.dumps(doc).encode())
    uids = await AgendaSession.select(AgendaSession.uid).where(AgendaSession.forum == copied.id)
    assert len({r["uid"] for r in uids}) == 2
    assert {str(r["uid"]) for r in uids}.isdisjoint({str(it["opening"].uid), str(it["panel"].uid)})
