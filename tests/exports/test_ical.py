import datetime as dt
import re
import uuid

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import RoomPatch, SessionPatch, TrackPatch
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.exports import services
from tests.exports.factories import export_forum
from tests.factories import DAY, make_forum, make_session, utc

UTC = dt.UTC


async def _ics(forum, **filters) -> str:
    return (await services.agenda_calendar(forum, **filters)).body.decode()


def _event(text: str, uid_part: str = "") -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(text)
    return next(e for e in cal.events if uid_part in str(e["UID"]))


async def test_a_nine_oclock_taipei_session_is_one_utc_with_its_tzid_in_three_parsers():
    forum, it = await export_forum()
    text = await _ics(forum)
    assert f"DTSTART;TZID=Asia/Taipei:{DAY:%Y%m%d}T090000\r\n" in text
    assert f"DTEND;TZID=Asia/Taipei:{DAY:%Y%m%d}T094500\r\n" in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    assert "TZID:Asia/Taipei\r\n" in text

    uid = str(it["opening"].uid)
    event = _event(text, uid)
    assert event.start.astimezone(UTC) == utc("01:00")
    assert str(event.start.tzinfo) == "Asia/Taipei"

    other = IcsCalendarStream.calendar_from_ics(text)
    assert [tz.tz_id for tz in other.timezones] == ["Asia/Taipei"]
    parsed = next(e for e in other.events if e.uid == uid)
    assert parsed.dtstart.astimezone(UTC) == utc("01:00")
    assert parsed.dtend.astimezone(UTC) == utc("01:45")
    assert parsed.summary == "Opening Address / 開幕致詞"

    third = vobject.readOne(text)
    found = next(e for e in third.vevent_list if e.uid.value == uid)
    assert found.dtstart.value.utcoffset() == dt.timedelta(hours=8)
    assert found.dtstart.value.hour == 9


async def test_each_event_carries_what_a_calendar_shows():
    forum, it = await export_forum()
    text = await _ics(forum)
    opening = it["opening"]
    event = _event(text, str(opening.uid))
    assert uuid.UUID(str(event["UID"])).version == 4  # RFC 7986 5.3: a UUID, nothing more
    assert str(event["SUMMARY"]) == "Opening Address / 開幕致詞"
    assert str(event["LOCATION"]) == "Main Hall / 國際會議廳, Taipei / 臺北"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/forums/tf/sessions/{opening.id}"
    assert event.categories == ["Opening", "Diplomacy / 外交"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert str(event["DESCRIPTION"]) == (
        "Speakers:\nLin Chia-lung / 林佳龍, Ministry of Foreign Affairs\n\n"
        "Integrated diplomacy, in action; with NGOs.\n\n整合外交在行動。\n\n"
        f"http://127.0.0.1:8000/forums/tf/sessions/{opening.id}"
    )
    stamp = event["DTSTAMP"].dt
    assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)
    assert "DTSTAMP:" in text and re.search(r"DTSTAMP:\d{8}T\d{6}Z", text)
    assert event["LAST-MODIFIED"].dt == opening.updated_at.replace(microsecond=0)
    panel = _event(text, str(it["panel"].uid))
    assert "Amelia Hart\nLin Chia-lung / 林佳龍, Ministry" in str(panel["DESCRIPTION"])


async def test_the_calendar_names_itself_and_asks_to_be_refreshed_hourly():
    forum, _it = await export_forum()
    lines = (await _ics(forum)).split("\r\n")
    for line in (
        "VERSION:2.0",
        "PRODID:-//forum_mgmt//Agenda//EN",
        "METHOD:PUBLISH",
        "NAME:Test Forum / 測試論壇",
        "X-WR-CALNAME:Test Forum / 測試論壇",
        "X-WR-TIMEZONE:Asia/Taipei",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert line in lines


async def test_an_edit_moves_sequence_and_last_modified_and_keeps_the_uid():
    forum, it = await export_forum()
    uid = str(it["opening"].uid)
    # iCalendar counts in whole seconds: let the session have been written an hour ago.
    await AgendaSession.update(
        {AgendaSession.updated_at: AgendaSession.updated_at - dt.timedelta(hours=1)}
    ).where(AgendaSession.id == it["opening"].id)
    before = _event(await _ics(forum), uid)
    await agenda.update_session(forum, it["opening"].id, SessionPatch(title="Opening, revised"))
    after = _event(await _ics(forum), uid)
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1 == 1
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert str(after["SUMMARY"]) == "Opening, revised / 開幕致詞"


async def test_renaming_a_room_or_track_reaches_the_feed():
    forum, it = await export_forum()
    uid = str(it["opening"].uid)
    await _ics(forum)  # cached now
    await agenda.update_room(forum, it["hall"].id, RoomPatch(name="Grand Hall"))
    await agenda.update_track(forum, it["track"].id, TrackPatch(name="Diplomacy Now"))
    event = _event(await _ics(forum), uid)
    assert str(event["LOCATION"]).startswith("Grand Hall / 國際會議廳")
    assert event.categories == ["Opening", "Diplomacy Now / 外交"]
    assert event["SEQUENCE"] == 2


async def test_a_removed_session_stays_in_the_feed_as_cancelled():
    forum, it = await export_forum()
    await agenda.remove_session(forum, it["panel"].id)
    text = await _ics(forum)
    event = _event(text, str(it["panel"].uid))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]) == "Cancelled: Panel on partners"
    stream = IcsCalendarStream.calendar_from_ics(text)
    assert sorted(str(e.status) for e in stream.events) == [
        "EventStatus.CANCELLED",
        "EventStatus.CONFIRMED",
    ]


async def test_chinese_survives_line_folding_at_75_octets():
    forum = await make_forum()
    abstract = "臺北國際NGO中心作為印太地區的樞紐，結合價值外交、經濟外交與同盟外交。" * 8
    session = await make_session(forum, "長標題" * 20, abstract_local=abstract)
    raw = (await services.agenda_calendar(forum)).body
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # no character is cut in two
    event = _event(raw.decode(), str(session.uid))
    assert abstract in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "長標題" * 20
    assert vobject.readOne(raw.decode()).vevent.summary.value == "長標題" * 20


async def test_track_and_room_feeds_hold_only_their_sessions():
    forum, it = await export_forum()
    by_track = icalendar.Calendar.from_ical(await _ics(forum, track=it["track"].id))
    assert [str(e["SUMMARY"]) for e in by_track.events] == ["Opening Address / 開幕致詞"]
    assert str(by_track["X-WR-CALNAME"]) == "Test Forum / 測試論壇 · Diplomacy / 外交"
    by_room = icalendar.Calendar.from_ical(await _ics(forum, room=it["side"].id))
    assert [str(e["SUMMARY"]) for e in by_room.events] == ["Panel on partners"]


async def test_a_forum_in_another_zone_gets_its_own_vtimezone_with_summer_time():
    forum = await make_forum("berlin", timezone="Europe/Berlin")
    # both outside the forum's days on purpose: fixed days, one in each half of the year
    # (DAY itself may fall in either)
    for title, day in (("Summer", dt.date(2026, 7, 1)), ("Winter", dt.date(2026, 12, 5))):
        await make_session(forum, title, day=day, start="09:00", end="10:00", allow_conflicts=True)
    text = await _ics(forum)
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:Europe/Berlin" in text
    assert "DTSTART;TZID=Europe/Berlin:20260701T090000" in text
    cal = IcsCalendarStream.calendar_from_ics(text)
    starts = sorted(e.dtstart.astimezone(UTC).hour for e in cal.events)
    assert starts == [7, 8]  # 09:00 CEST is 07:00Z, 09:00 CET is 08:00Z


async def test_one_session_file_and_a_removed_one_answering_cancelled():
    forum, it = await export_forum()
    one = icalendar.Calendar.from_ical(
        (await services.session_calendar(forum, it["panel"].id)).body
    )
    assert [str(e["SUMMARY"]) for e in one.events] == ["Panel on partners"]
    assert len(one.timezones) == 1
    assert "REFRESH-INTERVAL" not in one
    await agenda.remove_session(forum, it["panel"].id)
    gone = icalendar.Calendar.from_ical(
        (await services.session_calendar(forum, it["panel"].id)).body
    )
    assert str(gone.events[0]["STATUS"]) == "CANCELLED"
    assert await AgendaSession.count() == 2


async def test_an_empty_agenda_is_still_a_calendar_with_its_zone():
    forum = await make_forum()
    text = await _ics(forum)
    assert text.count("BEGIN:VTIMEZONE") == 1 and "BEGIN:VEVENT" not in text
    assert [tz.tz_id for tz in IcsCalendarStream.calendar_from_ics(text).timezones] == [
        "Asia/Taipei"
    ]
