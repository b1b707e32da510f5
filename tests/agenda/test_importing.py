"""CSV import of speakers and sessions: the files organizers have, all rows or none."""

import codecs
import datetime as dt

import pytest

from forum_mgmt.agenda import services
from forum_mgmt.agenda.services import spreadsheet
from forum_mgmt.agenda.tables import AgendaSession, SessionSpeaker, Speaker
from forum_mgmt.core import time
from tests.factories import (
    DAY,
    NEXT_DAY,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
)

BOM = codecs.BOM_UTF8
D, D2 = DAY.isoformat(), NEXT_DAY.isoformat()  # the forum's day and the day after


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (BOM if bom else b"") + "\r\n".join(lines).encode()


async def speaker_names() -> list[tuple[str, str, str]]:
    rows = await Speaker.select(Speaker.name, Speaker.name_local, Speaker.organization).order_by(
        Speaker.id
    )
    return [(r["name"], r["name_local"], r["organization"]) for r in rows]


async def sessions() -> list[tuple[str, dt.datetime, list[str]]]:
    out = []
    for s in await AgendaSession.objects().order_by(AgendaSession.starts_at):
        links = (
            await SessionSpeaker.select(SessionSpeaker.speaker.name)
            .where(SessionSpeaker.session == s.id)
            .order_by(SessionSpeaker.position)
        )
        out.append((s.title, s.starts_at, [r["speaker.name"] for r in links]))
    return out


def at(clock: str) -> dt.datetime:
    return time.at(DAY, dt.time.fromisoformat(clock), "Asia/Taipei")


# Speakers ----------------------------------------------------------------------------


async def test_speakers_file_with_bom_and_chinese_headers_and_names_is_imported():
    forum = await make_forum()
    data = csv_bytes(
        "姓名,中文姓名,單位,職稱,Bio",
        "Lin Mei-hua,林美華,台灣NGO中心,主任,Works on civic tech.",
        '"Chen, Wei",陳偉,Open Culture,Researcher,"Two\nlines"',
        bom=True,
    )
    plan = await services.preview(forum, data)
    assert (plan.kind, plan.columns, plan.ignored) == (
        "speakers",
        ["name", "name_local", "organization", "title", "bio"],
        [],
    )
    assert [(r.number, r.errors) for r in plan.rows] == [(2, {}), (3, {})]
    assert await speaker_names() == []  # a preview writes nothing

    done = await services.apply(forum, data)
    assert (done.kind, done.count) == ("speakers", 2)
    assert await speaker_names() == [
        ("Lin Mei-hua", "林美華", "台灣NGO中心"),
        ("Chen, Wei", "陳偉", "Open Culture"),
    ]
    bio = await Speaker.select(Speaker.bio).where(Speaker.name_local == "陳偉").first()
    assert bio["bio"] == "Two\nlines"


async def test_semicolon_and_tab_delimited_files_are_read():
    forum = await make_forum()
    semicolon = await services.preview(forum, csv_bytes("Name;Organisation", "Ann; A, B and C"))
    tab = await services.preview(forum, csv_bytes("name\ttitle", "Bo\tDr, PhD"))
    assert semicolon.rows[0].values == {"name": "Ann", "organization": "A, B and C"}
    assert tab.rows[0].values == {"name": "Bo", "title": "Dr, PhD"}


async def test_utf16_file_from_excel_is_read():
    forum = await make_forum()
    data = "name\tname_local\r\nWang\t王小明\r\n".encode("utf-16")
    plan = await services.preview(forum, data)
    assert plan.rows[0].values == {"name": "Wang", "name_local": "王小明"}


async def test_bad_rows_are_reported_by_number_and_field_and_nothing_is_written():
    forum = await make_forum()
    await make_speaker(forum, "Already Here")
    data = csv_bytes(
        "name,photo_url,title",
        "Good Person,,",
        ",,no name",  # row 3
        "Bad Photo,javascript:alert(1),",  # row 4
        "already here,,",  # row 5: the same person again
        "Good Person,,",  # row 6: twice in the file
    )
    plan = await services.preview(forum, data)
    assert [(r.number, sorted(r.errors)) for r in plan.rows if r.errors] == [
        (3, ["name"]),
        (4, ["photo_url"]),
        (5, ["name"]),
        (6, ["name"]),
    ]
    assert plan.rows[0].errors == {}
    with pytest.raises(services.ImportRefused) as err:
        await services.apply(forum, data)
    assert [r["row"] for r in err.value.extra["rows"]] == [3, 4, 5, 6]
    assert await speaker_names() == [("Already Here", "", "")]


async def test_control_characters_are_stripped_and_formulas_kept_as_text():
    forum = await make_forum()
    data = csv_bytes("name,title", "Eve\x07 \u202eTrick,=cmd|' /C calc'!A0")
    plan = await services.preview(forum, data)
    assert plan.rows[0].values == {"name": "Eve Trick", "title": "=cmd|' /C calc'!A0"}


async def test_wrong_encoding_empty_and_unknown_files_are_refused_clearly():
    forum = await make_forum()
    cases = {
        "ünknown".encode("latin-1") + b",x\r\n1,2": "invalid_import",
        b"": "invalid_import",
        BOM + b"\r\n  \r\n": "invalid_import",
        b",,,\r\n;;\r\n": "invalid_import",
        b"name\r\n": "invalid_import",  # a header but no rows
        b"colour,size\r\nred,2": "invalid_import",
        b"\x89PNG\r\n\x1a\n\x00\x00": "invalid_import",
    }
    for data, code in cases.items():
        with pytest.raises(services.InvalidImport) as err:
            await services.preview(forum, data)
        assert err.value.code == code, data
        assert err.value.status_code < 500


async def test_limits_on_size_and_rows():
    forum = await make_forum()
    too_big = b"name,bio\r\n" + b"A," + b"x" * spreadsheet.MAX_BYTES
    with pytest.raises(services.ImportTooLarge) as big:
        await services.preview(forum, too_big)
    assert big.value.status_code == 413
    many = csv_bytes("name", *(f"P{i}" for i in range(spreadsheet.MAX_ROWS + 1)))
    with pytest.raises(services.ImportTooLarge) as rows:
        await services.preview(forum, many)
    assert "2001" in rows.value.message


def test_template_files_are_utf8_with_bom_and_read_back():
    for kind in ("speakers", "sessions"):
        data = services.template_csv(kind)
        assert data.startswith(BOM)
        assert spreadsheet.read_sheet(data).kind == kind


# Sessions ----------------------------------------------------------------------------


async def test_sessions_file_references_rooms_tracks_and_speakers_by_name():
    forum = await make_forum()
    await make_room(forum, "Main Hall", name_local="大廳")
    await make_track(forum, "Diplomacy")
    lin = await make_speaker(forum, "Lin Mei-hua", name_local="林美華")
    data = csv_bytes(
        "Title,中文標題,Day,Start,End,Room,Track,Kind,Language,Speakers,Capacity",
        f"Opening,開幕,{D},09:00,09:30,大廳,Diplomacy,Opening,en+zh-TW,林美華,",
        f"Panel,座談,{D},10:00,11:00,Main Hall,,panel,en,Lin Mei-hua、Chen Wei;Ann Wu,",
        f"Workshop,,{D},9:00,9:45,,,workshop,zh-tw,Chen Wei,20",
        bom=True,
    )
    plan = await services.preview(forum, data)
    assert [r.errors for r in plan.rows] == [{}, {}, {}]
    assert [r.clashes for r in plan.rows] == [[], [], []]
    assert plan.new_speakers == ["Chen Wei", "Ann Wu"]

    done = await services.apply(forum, data)
    assert (done.kind, done.count, done.new_speakers) == ("sessions", 3, 2)
    assert await sessions() == [
        ("Opening", at("09:00"), ["Lin Mei-hua"]),
        ("Workshop", at("09:00"), ["Chen Wei"]),
        ("Panel", at("10:00"), ["Lin Mei-hua", "Chen Wei", "Ann Wu"]),
    ]
    assert [n for n, _l, _o in await speaker_names()] == ["Lin Mei-hua", "Chen Wei", "Ann Wu"]
    opening = await AgendaSession.objects().where(AgendaSession.title == "Opening").first()
    assert (opening.title_local, opening.kind, opening.language) == ("開幕", "opening", "en+zh-TW")
    assert lin.id in [r["speaker"] for r in await SessionSpeaker.select(SessionSpeaker.speaker)]


async def test_bad_session_rows_name_their_fields_and_nothing_is_written():
    forum = await make_forum()
    await make_room(forum, "Main Hall")
    data = csv_bytes(
        "title,day,start,end,room,kind,capacity",
        f"Fine,{D},09:00,10:00,Main Hall,talk,",
        f"No room,{D},11:00,12:00,Nowhere,talk,",  # row 3
        "Bad times,05/12/2026,9h,10:00,,talk,",  # row 4
        f"Backwards,{D},12:00,11:00,,talk,",  # row 5
        f",{D},13:00,14:00,,party,-1",  # row 6
    )
    plan = await services.preview(forum, data)
    assert {r.number: sorted(r.errors) for r in plan.rows if r.errors} == {
        3: ["room"],
        4: ["day", "start"],
        5: ["end"],
        6: ["capacity", "kind", "title"],
    }
    with pytest.raises(services.ImportRefused):
        await services.apply(forum, data)
    assert await sessions() == []
    assert await Speaker.count() == 0


async def test_clashes_with_the_agenda_and_between_rows_are_reported_per_row():
    forum = await make_forum()
    hall = await make_room(forum, "Main Hall")
    lin = await make_speaker(forum, "Lin")
    await make_session(forum, "Existing", start="09:00", end="10:00", room=hall)
    data = csv_bytes(
        "title,day,start,end,room,speakers",
        f"Same room,{D},09:30,10:30,Main Hall,",  # row 2: clashes with Existing
        f"Lin first,{D},11:00,12:00,,Lin",  # rows 3 and 4 share Lin
        f"Lin again,{D},11:30,12:30,,Lin",
        f"Other day,{D2},09:00,10:00,,",  # row 5: outside the forum
        f"Fine,{D},14:00,15:00,,New Person",
    )
    plan = await services.preview(forum, data)
    assert {r.number: [c.kind for c in r.clashes] for r in plan.rows} == {
        2: ["room"],
        3: ["speaker"],
        4: ["speaker"],
        5: ["outside_forum"],
        6: [],
    }
    assert plan.rows[1].clashes[0].message == "Lin is also in “Lin again” at that time. (row 4)"
    assert not plan.has_errors
    with pytest.raises(services.ImportRefused):
        await services.apply(forum, data)
    assert [t for t, _s, _sp in await sessions()] == ["Existing"]
    assert await Speaker.count() == 1

    done = await services.apply(forum, data, allow_conflicts=True)
    assert done.count == 5
    assert len(await sessions()) == 6
    assert lin.id is not None


async def test_importing_the_same_sessions_twice_is_refused():
    forum = await make_forum()
    data = csv_bytes("title,day,start,end", f"Keynote,{D},09:00,10:00")
    await services.apply(forum, data)
    plan = await services.preview(forum, data)
    assert plan.rows[0].errors.keys() == {"title"}
    with pytest.raises(services.ImportRefused):
        await services.apply(forum, data)
    assert len(await sessions()) == 1


async def test_the_kind_can_be_given_instead_of_detected():
    forum = await make_forum()
    with pytest.raises(services.InvalidImport) as err:
        await services.preview(forum, csv_bytes("name", "Ann"), kind="sessions")
    assert "Title" in err.value.message and "Day" in err.value.message
