import datetime as dt

from forum_mgmt import demo
from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.forums.tables import Forum
from tests.factories import DAY, utc

TABLES = (Forum, Room, Track, Speaker, AgendaSession, SessionSpeaker)


async def test_demo_builds_a_full_published_day():
    forum, created = await demo.load(DAY)
    assert created
    assert (forum.slug, forum.status, forum.timezone) == (
        "ngo-leaders-forum-2026",
        "published",
        "Asia/Taipei",
    )
    assert forum.starts_on == forum.ends_on == DAY
    assert "2026-01-07" in forum.description
    assert await AgendaSession.count() >= 10
    assert await Room.count() >= 3
    kinds = {r["kind"] for r in await AgendaSession.select(AgendaSession.kind)}
    assert kinds == {"opening", "keynote", "panel", "talk", "workshop", "break"}
    workshop = await AgendaSession.objects().where(AgendaSession.kind == "workshop").first()
    assert workshop.capacity == 30


async def test_demo_has_the_reports_people_in_their_roles_and_marks_the_rest():
    await demo.load(DAY)
    links = await SessionSpeaker.select(
        SessionSpeaker.speaker.name,
        SessionSpeaker.speaker.name_local,
        SessionSpeaker.speaker.organization,
        SessionSpeaker.speaker.is_sample,
        SessionSpeaker.session.kind,
    )
    by_name = {row["speaker.name"]: row for row in links}
    lin = by_name["Lin Chia-lung"]
    assert (lin["speaker.name_local"], lin["session.kind"]) == ("林佳龍", "opening")
    marco = by_name["Marco Chiesara"]
    assert (marco["speaker.organization"], marco["session.kind"]) == ("WeWorld", "keynote")
    others = [
        row for name, row in by_name.items() if name not in ("Lin Chia-lung", "Marco Chiesara")
    ]
    assert others
    assert all(r["speaker.is_sample"] and "(sample)" in r["speaker.name"] for r in others)


async def test_demo_is_dated_in_taipei_and_loading_twice_changes_nothing():
    await demo.load(DAY)
    before = [await t.count() for t in TABLES]
    again, created = await demo.load(DAY + dt.timedelta(days=8))
    assert not created
    assert again.starts_on == DAY
    assert [await t.count() for t in TABLES] == before
    opening = await AgendaSession.objects().where(AgendaSession.kind == "opening").first()
    # 09:00 in Taipei on the demo day
    assert opening.starts_at == utc("01:00")


async def test_demo_agenda_page_shows_lin_and_chiesara_in_both_languages(client):
    await demo.load(DAY)
    en = (await client.get("/forums/ngo-leaders-forum-2026/agenda?lang=en")).text
    zh = (await client.get("/forums/ngo-leaders-forum-2026/agenda?lang=zh-TW")).text
    for html in (en, zh):
        assert "林佳龍" in html
        assert "Lin Chia-lung" in html
        assert "Marco Chiesara" in html
        assert "WeWorld" in html
    assert "Opening Address: Integrated Diplomacy in Action" in en
    assert "開幕致詞：整合外交在行動" in zh
    home = (await client.get("/forums/ngo-leaders-forum-2026")).text
    assert "2026-01-07" in home
