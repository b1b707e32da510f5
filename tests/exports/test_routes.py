import datetime as dt
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import SessionPatch
from tests.conftest import sign_in
from tests.exports.factories import export_forum
from tests.factories import DAY, at, make_forum, make_room, make_track
from tests.test_ids import BAD_IDS
from tests.test_query_counts import _forum_with

FEEDS = ["/forums/{slug}/agenda.ics", "/forums/{slug}/schedule.xml", "/forums/{slug}/schedule.json"]


async def test_the_agenda_feed_is_a_calendar_with_validators(client):
    await export_forum()
    response = await client.get("/forums/tf/agenda.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith(" GMT")
    calendar = IcsCalendarStream.calendar_from_ics(response.text)
    assert sorted(e.summary for e in calendar.events) == [
        "Opening Address / 開幕致詞",
        "Panel on partners",
    ]


@pytest.mark.parametrize("feed", FEEDS)
async def test_an_unchanged_feed_answers_304_and_a_changed_one_200(client, feed):
    _forum, it = await export_forum()
    url = feed.format(slug="tf")
    first = await client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = await client.get(url, headers={"if-none-match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    since = await client.get(url, headers={"if-modified-since": modified})
    assert since.status_code == 304
    forum = _forum
    await agenda.update_session(forum, it["opening"].id, SessionPatch(title="Changed"))
    changed = await client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Changed" in changed.text


async def test_schedule_files_have_their_media_types(client):
    await export_forum()
    xml = await client.get("/forums/tf/schedule.xml")
    assert xml.headers["content-type"] == "application/xml; charset=utf-8"
    assert xml.text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    js = await client.get("/forums/tf/schedule.json")
    assert js.headers["content-type"] == "application/json"
    assert js.json()["schedule"]["conference"]["acronym"] == "tf__"


async def test_if_modified_since_before_the_last_change_gets_the_feed(client):
    await export_forum()
    past = format_datetime(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), usegmt=True)
    response = await client.get("/forums/tf/agenda.ics", headers={"if-modified-since": past})
    assert response.status_code == 200


async def test_a_session_file_sits_beside_the_session_page(client):
    _forum, it = await export_forum()
    sid = it["opening"].id
    ics = await client.get(f"/forums/tf/sessions/{sid}.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    [event] = icalendar.Calendar.from_ical(ics.text).events
    assert str(event["UID"]) == str(it["opening"].uid)
    page = await client.get(f"/forums/tf/sessions/{sid}")
    assert page.status_code == 200 and "Opening Address" in page.text
    for url in (
        f"/forums/tf/sessions/{sid}.txt",
        f"/forums/tf/sessions/{sid}.",
        "/forums/tf/sessions/x.ics",
        "/forums/tf/sessions/999999.ics",
    ):
        assert (await client.get(url)).status_code == 404, url


async def test_a_removed_sessions_file_answers_cancelled(client):
    forum, it = await export_forum()
    await agenda.remove_session(forum, it["panel"].id)
    ics = await client.get(f"/forums/tf/sessions/{it['panel'].id}.ics")
    [event] = icalendar.Calendar.from_ical(ics.text).events
    assert str(event["STATUS"]) == "CANCELLED"
    assert (await client.get(f"/forums/tf/sessions/{it['panel'].id}")).status_code == 404


async def test_filters_and_unknown_filters(client):
    _forum, it = await export_forum()
    other = await make_forum("other")
    foreign = await make_track(other, "Elsewhere")
    by_track = await client.get(f"/forums/tf/agenda.ics?track={it['track'].id}")
    assert by_track.text.count("BEGIN:VEVENT") == 1
    by_room = await client.get(f"/forums/tf/agenda.ics?room={it['side'].id}")
    assert "SUMMARY:Panel on partners" in by_room.text
    assert by_room.text.count("BEGIN:VEVENT") == 1
    assert (await client.get(f"/forums/tf/agenda.ics?track={foreign.id}")).status_code == 404
    everything = await client.get("/forums/tf/agenda.ics")
    assert everything.text.count("BEGIN:VEVENT") == 2
    blank = await client.get("/forums/tf/agenda.ics?track=&room=")  # blank: no filter
    assert blank.text.count("BEGIN:VEVENT") == 2


async def test_a_feed_filter_that_is_no_id_names_nothing(client):
    await export_forum()
    for bad in BAD_IDS:
        for name, message in (("room", "No such room"), ("track", "No such track")):
            feed = await client.get(
                f"/forums/tf/agenda.ics?{name}={bad}", headers={"accept": "application/json"}
            )
            assert feed.status_code == 404, (name, bad)
            assert feed.json() == {"error": "not_found", "message": f"{message} in this forum."}
        session = await client.get(f"/forums/tf/sessions/{bad}.ics")
        assert session.status_code == 404, bad


async def test_drafts_have_no_feeds(client):
    await make_forum("draft", publish=False)
    for feed in FEEDS:
        assert (await client.get(feed.format(slug="draft"))).status_code == 404


async def test_the_feed_speaks_the_readers_language(client):
    await export_forum()
    zh = await client.get("/forums/tf/agenda.ics?lang=zh-TW")
    en = await client.get("/forums/tf/agenda.ics?lang=en")
    assert "CATEGORIES:開幕" in zh.text
    assert "DESCRIPTION:講者：\\n林佳龍 / Lin Chia-lung" in zh.text  # the reader's first
    assert "CATEGORIES:Opening" in en.text
    assert "Lin Chia-lung / 林佳龍" in en.text
    assert zh.headers["etag"] != en.headers["etag"]


async def test_the_agenda_page_offers_subscription_and_download(client):
    await export_forum()
    page = (await client.get("/forums/tf/agenda")).text
    assert 'href="webcal://127.0.0.1:8000/forums/tf/agenda.ics"' in page
    assert 'href="/forums/tf/agenda.ics"' in page
    zh = (await client.get("/forums/tf/agenda?lang=zh-TW")).text
    assert 'href="webcal://127.0.0.1:8000/forums/tf/agenda.ics?lang=zh-TW"' in zh
    assert "在行事曆中訂閱" in zh


async def test_the_session_page_offers_ics_google_and_outlook_links_in_utc(client):
    _forum, it = await export_forum()
    sid = it["opening"].id
    page = (await client.get(f"/forums/tf/sessions/{sid}")).text
    assert f'href="/forums/tf/sessions/{sid}.ics"' in page
    google = _link(page, "https://calendar.google.com/")
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Opening Address / 開幕致詞"]
    assert query["dates"] == [f"{DAY:%Y%m%d}T010000Z/{DAY:%Y%m%d}T014500Z"]
    assert query["location"] == ["Main Hall / 國際會議廳, Taipei / 臺北"]
    assert query["ctz"] == ["Asia/Taipei"]
    assert "整合外交在行動。" in query["details"][0]
    outlook = parse_qs(urlsplit(_link(page, "https://outlook.live.com/")).query)
    assert (outlook["startdt"], outlook["enddt"]) == (
        [f"{DAY}T01:00:00Z"],
        [f"{DAY}T01:45:00Z"],
    )
    assert outlook["subject"] == ["Opening Address / 開幕致詞"]
    assert " " not in google and "+" not in google


def _link(page: str, prefix: str) -> str:
    import html

    start = page.index(f'href="{prefix}') + len('href="')
    return html.unescape(page[start : page.index('"', start)])


@pytest.mark.parametrize(
    "feed", [*FEEDS, "/forums/{slug}/sessions/{session}.ics", "/forums/{slug}/agenda.ics?room=1"]
)
async def test_feed_query_count_does_not_grow_and_a_cached_feed_costs_two(
    client, count_queries, feed
):
    counts = []
    for n in (1, 3):
        forum, sessions, _speakers = await _forum_with(n)
        url = feed.format(slug=forum.slug, session=sessions[0].id).replace(
            "room=1", f"room={sessions[0].room}"
        )
        count_queries.count = 0
        assert (await client.get(url)).status_code == 200, url
        counts.append(count_queries.count)
        count_queries.count = 0
        assert (await client.get(url)).status_code == 200
        assert count_queries.count == 2, count_queries.queries  # the forum, the fingerprint
    assert counts[0] == counts[1] <= 6, count_queries.queries


async def test_feeds_go_out_gzipped_to_clients_that_take_it(client):
    await export_forum()
    packed = await client.get("/forums/tf/schedule.json", headers={"accept-encoding": "gzip"})
    plain = await client.get("/forums/tf/schedule.json", headers={"accept-encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert packed.content == plain.content  # httpx unpacks it
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.headers["etag"] != plain.headers["etag"]


async def test_the_sessions_api_is_built_once_per_change_and_revalidates(client):
    forum, it = await export_forum()
    first = await client.get("/api/forums/tf/sessions")
    assert [s["title"] for s in first.json()] == ["Opening Address", "Panel on partners"]
    assert first.json()[0]["starts_at"] == at("09:00")
    again = await client.get(
        "/api/forums/tf/sessions", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    await agenda.update_session(forum, it["opening"].id, SessionPatch(title="Renamed"))
    changed = await client.get("/api/forums/tf/sessions")
    assert [s["title"] for s in changed.json()] == ["Renamed", "Panel on partners"]


async def test_the_agenda_listing_is_cached_yet_follows_every_change(client, count_queries):
    forum, it = await export_forum()
    first = (await client.get("/forums/tf/agenda")).text
    assert "Opening Address" in first
    count_queries.count = 0
    await client.get("/forums/tf/agenda")
    assert count_queries.count == 2  # the forum, the fingerprint
    await agenda.update_session(forum, it["opening"].id, SessionPatch(title="Opening, moved"))
    await make_room(forum, "Garden", name_local="花園")  # no session in it yet
    page = (await client.get("/forums/tf/agenda")).text
    assert "Opening, moved" in page and "Opening Address" not in page
    assert "Garden" in page
    zh = (await client.get("/forums/tf/agenda?lang=zh-TW")).text
    assert "花園" in zh and "所有會議室" in zh


async def test_the_cached_listing_keeps_the_pages_own_frame(client):
    _forum, it = await export_forum()
    await client.get(f"/forums/tf/agenda?room={it['hall'].id}")
    page = (await client.get(f"/forums/tf/agenda?room={it['hall'].id}&lang=en")).text
    assert f'href="/forums/tf/agenda?room={it["hall"].id}&amp;lang=zh-TW"' in page
    assert "Opening Address" in page and "Panel on partners" not in page


async def test_the_agenda_page_goes_out_gzipped_and_revalidates_for_visitors(client, count_queries):
    await export_forum()
    first = await client.get("/forums/tf/agenda", headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert first.headers["cache-control"] == "no-cache"  # same address, another page signed in
    assert first.headers["vary"] == "Accept-Encoding, Cookie"
    assert "Opening Address" in first.text and "Sign in" in first.text
    count_queries.count = 0
    again = await client.get(
        "/forums/tf/agenda",
        headers={"accept-encoding": "gzip", "if-none-match": first.headers["etag"]},
    )
    assert (again.status_code, again.content) == (304, b"")
    assert count_queries.count == 2  # the forum, the fingerprint: nothing rendered


async def test_a_signed_in_organizer_never_gets_the_visitors_copy_nor_leaves_one(client):
    from forum_mgmt.forums.tables import Role
    from tests.factories import make_user

    forum, _it = await export_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    visitor = (await client.get("/forums/tf/agenda")).text
    assert "Sign in" in visitor and 'href="/manage"' not in visitor
    await sign_in(client, "org")
    organizer = await client.get("/forums/tf/agenda")
    assert 'href="/manage"' in organizer.text and "Opening Address" in organizer.text
    assert "etag" not in organizer.headers
    client.cookies.clear()
    again = (await client.get("/forums/tf/agenda")).text
    assert "Sign in" in again and 'href="/manage"' not in again
