"""Rooms, speakers and sessions keep the names calendars and schedule tools know them by:
after a move to another address, and after an export imported into another database."""

import icalendar
import pytest
from lxml import etree

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core.settings import get_settings
from forum_mgmt.exports import services
from forum_mgmt.exports.services import cache
from forum_mgmt.forums.tables import Forum
from tests.exports.factories import export_forum
from tests.factories import make_forum, make_session


async def _names(client, slug: str = "tf") -> dict[str, dict[str, str]]:
    """Every UID and GUID the forum's feeds publish, by what they name."""
    ics = icalendar.Calendar.from_ical((await client.get(f"/forums/{slug}/agenda.ics")).text)
    conference = (await client.get(f"/forums/{slug}/schedule.json")).json()["schedule"][
        "conference"
    ]
    events = [e for d in conference["days"] for es in d["rooms"].values() for e in es]
    xml = etree.fromstring((await client.get(f"/forums/{slug}/schedule.xml")).content)
    return {
        "ics": {str(e["SUMMARY"]): str(e["UID"]) for e in ics.events},
        "json events": {e["title"]: e["guid"] for e in events},
        "json persons": {p["name"]: p["guid"] for e in events for p in e["persons"]},
        "json rooms": {r["name"]: r["guid"] for r in conference["rooms"]},
        "xml events": {e.findtext("title"): e.get("guid") for e in xml.iter("event")},
        "xml persons": {p.text: p.get("guid") for p in xml.iter("person")},
        "xml rooms": {r.get("name"): r.get("guid") for r in xml.iter("room") if r.get("guid")},
    }


async def _forum_with_a_removed_session():
    forum, it = await export_forum()
    gone = await make_session(forum, "Removed", start="12:00", end="12:30", room=it["side"])
    await agenda.remove_session(forum, gone.id)  # stays in the calendar, as cancelled
    return forum, it | {"gone": gone}


@pytest.fixture
def move_to(monkeypatch):
    """Serve the installation from another address, as after a change of BASE_URL."""

    def move(url: str) -> None:
        monkeypatch.setenv("BASE_URL", url)
        get_settings.cache_clear()
        cache.clear()  # a restarted server starts with no built feeds

    yield move
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_uids_and_guids_do_not_change_with_the_base_url(client, move_to):
    _forum, it = await _forum_with_a_removed_session()
    before = await _names(client)
    assert before["ics"] == {
        "Opening Address / 開幕致詞": str(it["opening"].uid),
        "Panel on partners": str(it["panel"].uid),
        "Cancelled: Removed": str(it["gone"].uid),
    }
    assert before["json persons"] == {
        "Lin Chia-lung": str(it["lin"].uid),
        "Amelia Hart": str(it["hart"].uid),
    }
    assert before["json rooms"] == {
        "Main Hall": str(it["hall"].uid),
        "Room 201": str(it["side"].uid),
    }
    move_to("https://forum.example.org")
    ics = (await client.get("/forums/tf/agenda.ics")).text
    assert "URL:https://forum.example.org/forums/tf/sessions/" in ics  # the move took effect
    assert await _names(client) == before


async def test_a_forum_moved_by_export_and_import_keeps_every_uid_and_guid(client):
    forum, it = await _forum_with_a_removed_session()
    # rows of another forum after it: the moved rows get new ids on either engine
    elsewhere = await make_session(await make_forum("other"), "Elsewhere")
    before = await _names(client)
    old_ids = {it[k].id for k in ("opening", "panel", "gone")}
    data = await services.export_forum("tf")
    await Forum.delete().where(Forum.id == forum.id)
    assert await AgendaSession.count() == 1

    await services.import_forum(data)
    moved = await AgendaSession.select(AgendaSession.id).where(AgendaSession.id != elsewhere.id)
    assert old_ids.isdisjoint(r["id"] for r in moved)
    assert await _names(client) == before
    assert await services.export_forum("tf") == data
