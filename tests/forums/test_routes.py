import datetime as dt

from forum_mgmt.core import time
from tests.factories import DAY, TODAY, at, make_forum, spelled, utc


async def test_home_lists_published_forums_upcoming_first_and_hides_drafts(client):
    today = time.today("Asia/Taipei")
    await make_forum(
        "past",
        name="Past Forum",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=30),
    )
    await make_forum(
        "later",
        name="Later Forum",
        starts_on=today + dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
    )
    await make_forum(
        "soon",
        name="Soon Forum",
        starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=6),
    )
    await make_forum("secret", name="Secret Draft", publish=False)
    page = await client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "Secret Draft" not in text
    order = [text.index(n) for n in ("Soon Forum", "Later Forum", "Past Forum")]
    assert order == sorted(order)


async def test_forum_home_shows_names_theme_dates_venue_and_register(client):
    await make_forum("tf", venue="Taipei International Convention Center")
    page = await client.get("/forums/tf")
    assert page.status_code == 200
    assert "Test Forum" in page.text
    assert "測試論壇" in page.text
    assert "Testing everything" in page.text
    assert spelled(style="long") in page.text  # such as "5 December 2026"
    assert "Taipei International Convention Center" in page.text
    assert 'href="/forums/tf/register"' in page.text


async def test_draft_forum_is_a_friendly_404_page(client):
    await make_forum("draft", publish=False)
    page = await client.get("/forums/draft")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no forum at this address." in page.text
    assert "Traceback" not in page.text


async def test_unknown_address_is_a_friendly_404_in_chinese(client):
    page = await client.get("/no/such/page?lang=zh-TW")
    assert page.status_code == 404
    assert "這個網址沒有內容。" in page.text
    assert '<html lang="zh-TW">' in page.text


async def test_api_lists_forums_with_dates_and_zone(client):
    yesterday = TODAY - dt.timedelta(days=1)
    await make_forum("tf", registration_opens_at=utc("01:00", yesterday))
    await make_forum("draft", publish=False)
    response = await client.get("/api/forums")
    assert response.status_code == 200
    [forum] = response.json()
    assert forum["slug"] == "tf"
    assert forum["timezone"] == "Asia/Taipei"
    assert (forum["starts_on"], forum["ends_on"]) == (DAY.isoformat(), DAY.isoformat())
    assert forum["status"] == "published"
    # shown with the forum's offset: 01:00Z is 09:00 in Taipei
    assert forum["registration_opens_at"] == at("09:00", yesterday)
    assert set(forum) >= {
        "id",
        "slug",
        "name",
        "name_local",
        "theme",
        "theme_local",
        "venue",
        "timezone",
        "starts_on",
        "ends_on",
        "status",
        "capacity",
        "waitlist",
        "approval",
        "registration_opens_at",
        "registration_closes_at",
    }


async def test_api_unknown_forum_is_json_404(client):
    response = await client.get("/api/forums/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "There is no forum at this address.",
    }


async def test_language_choice_is_remembered_by_cookie(client):
    await make_forum("tf")
    first = await client.get("/forums/tf?lang=zh-TW")
    assert '<html lang="zh-TW">' in first.text
    assert "lang=zh-TW" in first.headers["set-cookie"]
    again = await client.get("/forums/tf")  # the client keeps the cookie
    assert '<html lang="zh-TW">' in again.text
    assert "報名" in again.text
    back = await client.get("/forums/tf?lang=en")
    assert '<html lang="en">' in back.text
    assert "Register" in back.text


async def test_browser_language_is_the_default(client):
    await make_forum("tf")
    page = await client.get("/forums/tf", headers={"accept-language": "zh-TW,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-TW">' in page.text


async def test_health_check_answers_when_the_database_does(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    # the tests use no Redis: sessions and sign-in counters live in files
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not_used"}


async def test_openapi_document_lists_the_read_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/forums",
        "/api/forums/{slug}",
        "/api/forums/{slug}/sessions",
        "/api/forums/{slug}/speakers",
    } <= set(paths)


async def test_a_draft_is_previewed_by_its_team_only(client):
    from forum_mgmt.forums.tables import Role
    from tests.conftest import sign_in
    from tests.factories import make_user

    draft = await make_forum("draft", publish=False)
    other = await make_forum("other")
    await make_user("team", role=Role.STAFF, forum=draft)
    await make_user("outsider", role=Role.ORGANIZER, forum=other)
    await sign_in(client, "outsider")
    assert (await client.get("/forums/draft/agenda")).status_code == 404
    client.cookies.clear()
    await sign_in(client, "team")
    assert (await client.get("/forums/draft/agenda")).status_code == 200
    assert (await client.get("/api/forums/draft/sessions")).status_code == 200
    listing = await client.get("/")
    assert "/forums/draft" not in listing.text  # still not listed for the public
