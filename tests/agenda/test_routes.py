import re

from tests.factories import (
    at,
    make_forum,
    make_room,
    make_session,
    make_speaker,
    make_track,
    spelled,
    utc,
)
from tests.test_ids import BAD_IDS


async def _agenda_forum():
    forum = await make_forum("tf")
    hall = await make_room(forum, "Main Hall", name_local="國際會議廳")
    side = await make_room(forum, "Room 201")
    track = await make_track(forum, "Diplomacy", name_local="外交", color="#123456")
    lin = await make_speaker(
        forum,
        "Lin Chia-lung",
        name_local="林佳龍",
        organization="Ministry of Foreign Affairs",
        organization_local="外交部",
    )
    marco = await make_speaker(forum, "Marco Chiesara", organization="WeWorld")
    opening = await make_session(
        forum,
        "Opening Address",
        title_local="開幕致詞",
        kind="opening",
        start="09:00",
        end="09:30",
        room=hall,
        track=track,
        speakers=[lin],
        language="zh-TW",
    )
    keynote = await make_session(
        forum,
        "Keynote on Ukraine",
        kind="keynote",
        start="09:30",
        end="10:00",
        room=hall,
        speakers=[marco],
        language="en",
    )
    side_talk = await make_session(forum, "Side talk", start="09:30", end="10:00", room=side)
    return forum, {
        "hall": hall,
        "side": side,
        "track": track,
        "lin": lin,
        "marco": marco,
        "opening": opening,
        "keynote": keynote,
        "side_talk": side_talk,
    }


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="title">\s*<a [^>]*>([^<]+)', html)


async def test_agenda_shows_sessions_by_day_in_local_time_with_speakers(client):
    await _agenda_forum()
    page = await client.get("/forums/tf/agenda")
    assert page.status_code == 200
    html = page.text
    assert spelled() in html  # such as "Saturday, 5 December 2026"
    assert ">09:00</time>–<time" in html  # Taipei wall-clock time, not UTC 01:00
    assert "Lin Chia-lung" in html
    assert 'Lin Chia-lung <span class="alt" lang="zh-Hant-TW">林佳龍</span>' in html
    assert "Marco Chiesara" in html
    assert "WeWorld" in html
    assert [t.strip() for t in _titles(html)] == [
        "Opening Address",
        "Keynote on Ukraine",
        "Side talk",
    ]


async def test_agenda_in_chinese_puts_chinese_names_first(client):
    await _agenda_forum()
    html = (await client.get("/forums/tf/agenda?lang=zh-TW")).text
    assert spelled(lang="zh-TW") in html  # such as "2026年12月5日 星期六"
    assert '林佳龍 <span class="alt" lang="en">Lin Chia-lung</span>' in html
    assert '開幕致詞 <span class="alt" lang="en">Opening Address</span>' in html
    assert ">議程</h1>" in html
    assert ">開幕<" in html


async def test_agenda_filters_by_room_track_and_language(client):
    _, it = await _agenda_forum()
    by_room = (await client.get(f"/forums/tf/agenda?room={it['side'].id}")).text
    assert [t.strip() for t in _titles(by_room)] == ["Side talk"]
    by_track = (await client.get(f"/forums/tf/agenda?track={it['track'].id}")).text
    assert [t.strip() for t in _titles(by_track)] == ["Opening Address"]
    by_lang = (await client.get("/forums/tf/agenda?language=zh-TW")).text
    assert [t.strip() for t in _titles(by_lang)] == ["Opening Address"]
    nothing = await client.get("/forums/tf/agenda?room=abc&track=&language=")
    assert nothing.status_code == 200  # a malformed filter is ignored, not an error


async def test_session_page_shows_time_room_and_speakers(client):
    _, it = await _agenda_forum()
    page = await client.get(f"/forums/tf/sessions/{it['opening'].id}")
    assert page.status_code == 200
    assert "Opening Address" in page.text
    assert "開幕致詞" in page.text
    assert "09:00</time>–<time" in page.text
    assert "(Taipei Time)" in page.text and "Asia/Taipei" not in page.text
    assert "Main Hall" in page.text
    assert f'href="/forums/tf/speakers/{it["lin"].id}"' in page.text
    in_chinese = await client.get(f"/forums/tf/sessions/{it['opening'].id}?lang=zh-TW")
    assert "(臺北時間)" in in_chinese.text


async def test_speaker_pages_list_speakers_and_their_sessions(client):
    _, it = await _agenda_forum()
    listing = (await client.get("/forums/tf/speakers")).text
    assert "Lin Chia-lung" in listing
    assert "Marco Chiesara" in listing
    page = (await client.get(f"/forums/tf/speakers/{it['marco'].id}")).text
    assert "Marco Chiesara" in page
    assert "WeWorld" in page
    assert "Keynote on Ukraine" in page
    assert "Opening Address" not in page


async def test_unknown_or_malformed_ids_are_404_pages(client):
    _, _it = await _agenda_forum()
    other = await make_forum("other")
    foreign = await make_session(other, "Elsewhere")
    foreign_speaker = await make_speaker(other, "Someone Else")
    urls = [
        "/forums/tf/sessions/999999",
        f"/forums/tf/sessions/{foreign.id}",
        f"/forums/tf/sessions/{foreign.id}.ics",
        "/forums/tf/speakers/999999",
        f"/forums/tf/speakers/{foreign_speaker.id}",
    ]
    for bad in BAD_IDS:
        urls += [
            f"/forums/tf/sessions/{bad}",
            f"/forums/tf/sessions/{bad}.ics",
            f"/forums/tf/speakers/{bad}",
        ]
    for url in urls:
        page = await client.get(url)
        assert (page.status_code, page.headers["content-type"]) == (
            404,
            "text/html; charset=utf-8",
        ), url
        assert "There is nothing" in page.text or "not on the agenda" in page.text, url
        assert "Elsewhere" not in page.text and "Someone Else" not in page.text


async def test_malformed_agenda_filters_are_ignored(client):
    _, it = await _agenda_forum()
    everything = _titles((await client.get("/forums/tf/agenda")).text)
    assert len(everything) == 3
    for bad in BAD_IDS:
        for query in (f"room={bad}", f"track={bad}", f"room={bad}&track={bad}"):
            page = await client.get(f"/forums/tf/agenda?{query}")
            assert page.status_code == 200, query
            assert _titles(page.text) == everything, query
    side = await client.get(f"/forums/tf/agenda?room={it['side'].id}&track=%C2%B2")
    assert [t.strip() for t in _titles(side.text)] == ["Side talk"]


async def test_track_colours_come_from_a_stylesheet(client):
    _, it = await _agenda_forum()
    css = await client.get("/forums/tf/tracks.css")
    assert css.headers["content-type"].startswith("text/css")
    assert css.text == f".track-{it['track'].id}{{--track:#123456}}\n"


async def test_api_sessions_carry_the_forums_offset(client):
    _, it = await _agenda_forum()
    sessions = (await client.get("/api/forums/tf/sessions")).json()
    opening = sessions[0]
    assert opening["title"] == "Opening Address"
    # 09:00 in Taipei is 01:00Z: stored in UTC, shown with the forum's offset
    assert it["opening"].starts_at == utc("01:00")
    assert opening["starts_at"] == at("09:00")
    assert opening["ends_at"] == at("09:30")
    assert opening["room_id"] == it["hall"].id
    assert opening["room"] == "Main Hall"
    assert opening["track"] == "Diplomacy"
    assert opening["speaker_ids"] == [it["lin"].id]
    assert opening["speakers"] == [
        {"id": it["lin"].id, "name": "Lin Chia-lung", "name_local": "林佳龍", "role": "speaker"}
    ]
    assert opening["kind"] == "opening"
    assert opening["capacity"] is None


async def test_api_speakers(client):
    _, _it = await _agenda_forum()
    speakers = (await client.get("/api/forums/tf/speakers")).json()
    assert [s["name"] for s in speakers] == ["Lin Chia-lung", "Marco Chiesara"]
    assert speakers[0]["name_local"] == "林佳龍"
    assert speakers[0]["organization"] == "Ministry of Foreign Affairs"
