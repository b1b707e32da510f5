import datetime as dt
import json

from lxml import etree

from forum_mgmt import demo
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import SessionPatch
from forum_mgmt.exports import services
from tests.exports.factories import export_forum
from tests.factories import DAY, at, make_forum, make_session


async def _json(forum) -> dict:
    return json.loads((await services.schedule_file(forum, "json")).body)


async def test_the_json_schedule_validates_and_carries_exact_values(validate_json):
    forum, it = await export_forum()
    body = (await services.schedule_file(forum, "json")).body
    validate_json(body)
    doc = json.loads(body)
    conference = doc["schedule"]["conference"]
    assert (conference["acronym"], conference["title"], conference["time_zone_name"]) == (
        "tf__",
        "Test Forum",
        "Asia/Taipei",
    )
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        DAY.isoformat(),
        DAY.isoformat(),
        1,
    )
    assert [r["name"] for r in conference["rooms"]] == ["Main Hall", "Room 201"]
    assert conference["rooms"][0] == {
        "name": "Main Hall",
        "guid": str(it["hall"].uid),
        "capacity": 400,
    }
    assert conference["tracks"] == [{"name": "Diplomacy", "color": "#123456", "slug": "diplomacy"}]
    [day] = conference["days"]
    assert (day["index"], day["date"], day["day_start"], day["day_end"]) == (
        1,
        DAY.isoformat(),
        at("00:00"),
        at("23:59:59"),
    )
    [opening] = day["rooms"]["Main Hall"]
    assert opening == {
        "id": it["opening"].id,
        "guid": str(it["opening"].uid),
        "date": at("09:00"),
        "start": "09:00",
        "end": at("09:45"),
        "duration": "00:45",
        "room": "Main Hall",
        "slug": f"tf__-{it['opening'].id}-opening-address",
        "url": f"http://127.0.0.1:8000/forums/tf/sessions/{it['opening'].id}",
        "title": "Opening Address",
        "subtitle": "開幕致詞",
        "track": "Diplomacy",
        "type": "opening",
        "language": "zh-TW",
        "abstract": "Integrated diplomacy, in action; with NGOs.",
        "description": "整合外交在行動。",
        "persons": [
            {
                "guid": str(it["lin"].uid),
                "name": "Lin Chia-lung",
                "public_name": "Lin Chia-lung",
                "biography": "Minister.",
                "url": f"http://127.0.0.1:8000/forums/tf/speakers/{it['lin'].id}",
            }
        ],
        "links": [],
        "attachments": [],
    }
    [panel] = day["rooms"]["Room 201"]
    assert (panel["duration"], panel["language"], panel["track"]) == ("01:30", "en,zh-TW", None)
    assert [p["name"] for p in panel["persons"]] == ["Amelia Hart", "Lin Chia-lung"]


async def test_the_xml_schedule_validates_and_agrees_with_the_json(validate_xml):
    forum, it = await export_forum()
    body = (await services.schedule_file(forum, "xml")).body
    validate_xml(body)
    root = etree.fromstring(body)
    assert root.findtext("conference/acronym") == "tf__"
    assert root.findtext("conference/time_zone_name") == "Asia/Taipei"
    day = root.find("day")
    assert (day.get("index"), day.get("date"), day.get("start"), day.get("end")) == (
        "1",
        DAY.isoformat(),
        at("00:00"),
        at("23:59:59"),
    )
    assert [r.get("name") for r in day.findall("room")] == ["Main Hall", "Room 201"]
    event = day.find("room/event")
    assert event.get("guid") == str(it["opening"].uid)
    assert event.get("id") == str(it["opening"].id)
    assert [
        (event.findtext(tag))
        for tag in ("title", "subtitle", "date", "start", "duration", "track", "type")
    ] == [
        "Opening Address",
        "開幕致詞",
        at("09:00"),
        "09:00",
        "00:45",
        "Diplomacy",
        "opening",
    ]
    person = event.find("persons/person")
    assert (person.text, person.get("id"), person.get("guid")) == (
        "Lin Chia-lung",
        str(it["lin"].id),
        str(it["lin"].uid),
    )
    js = await _json(forum)
    xml_guids = [e.get("guid") for e in root.iter("event")]
    json_guids = [
        e["guid"]
        for d in js["schedule"]["conference"]["days"]
        for events in d["rooms"].values()
        for e in events
    ]
    assert xml_guids == json_guids


async def test_a_three_day_forum_has_three_indexed_days_and_leaves_out_removed_sessions(
    validate_json, validate_xml
):
    day_two, day_three = DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)
    forum = await make_forum("three", starts_on=DAY, ends_on=day_three)
    await make_session(forum, "Day one")
    gone = await make_session(forum, "Day two, removed", day=day_two)
    await make_session(forum, "Day three", day=day_three, start="23:00", end="23:59")
    await agenda.remove_session(forum, gone.id)
    doc = await _json(forum)
    days = doc["schedule"]["conference"]["days"]
    assert [(d["index"], d["date"]) for d in days] == [
        (1, DAY.isoformat()),
        (2, day_two.isoformat()),
        (3, day_three.isoformat()),
    ]
    titles = [[e["title"] for es in d["rooms"].values() for e in es] for d in days]
    assert titles == [["Day one"], [], ["Day three"]]
    # sessions without a room take place at the venue
    assert list(days[0]["rooms"]) == ["Taipei"]
    validate_json((await services.schedule_file(forum, "json")).body)
    validate_xml((await services.schedule_file(forum, "xml")).body)


async def test_guids_do_not_change_when_a_session_does():
    forum, it = await export_forum()
    first = await _json(forum)
    await agenda.update_session(forum, it["opening"].id, SessionPatch(title="New title"))
    second = await _json(forum)

    def guids(doc):
        days = doc["schedule"]["conference"]["days"]
        return {e["title"]: e["guid"] for d in days for es in d["rooms"].values() for e in es}

    assert guids(second)["New title"] == guids(first)["Opening Address"]
    assert second["schedule"]["version"] >= first["schedule"]["version"]


async def test_the_demo_forums_exports_validate(validate_json, validate_xml):
    forum, _created = await demo.load(DAY)
    validate_json((await services.schedule_file(forum, "json")).body)
    validate_xml((await services.schedule_file(forum, "xml")).body)
    text = (await services.agenda_calendar(forum)).body.decode()
    assert text.count("BEGIN:VEVENT") == 13
    assert text.count("BEGIN:VTIMEZONE") == 1
