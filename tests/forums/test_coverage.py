"""Completeness on publish: every public text in each of the forum's languages, or the
organizer accepts the fallback; the workspace shows the coverage."""

from forum_mgmt.forums.tables import Forum, ForumStatus, Role
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category
from tests.conftest import csrf_token, sign_in
from tests.factories import bearer, make_forum, make_room, make_session, make_speaker, make_user


async def _draft_with_gaps() -> Forum:
    forum = await make_forum(
        "gaps",
        publish=False,
        theme="Open data",
        theme_local="開放資料",
        venue="Taipei Expo",
        venue_local="",  # missing
    )
    await registration.ensure_categories(forum)
    await make_room(forum, "Main Hall", name_local="主廳")
    speaker = await make_speaker(forum, "Jane Roe", name_local="", bio="Works on data.")
    await make_session(forum, "Keynote", title_local="", speakers=[speaker])
    await registration.add_question(
        forum, label="Diet", label_local="飲食", kind="choice", choices="Meat\nVegetarian"
    )
    return forum


EXPECTED = [
    {"kind": "forum", "id": 0, "field": "venue", "language": "zh-TW"},
    {"kind": "question", "id": 0, "field": "choices", "language": "zh-TW"},
    {"kind": "session", "id": 0, "field": "title", "language": "zh-TW"},
    {"kind": "speaker", "id": 0, "field": "name", "language": "zh-TW"},
    {"kind": "speaker", "id": 0, "field": "bio", "language": "zh-TW"},
]


def _without_ids(missing):
    return [{**m, "id": 0} for m in missing]


async def test_the_api_refuses_to_publish_with_gaps_unless_the_fallback_is_accepted(client):
    forum = await _draft_with_gaps()
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    refused = await client.post("/api/forums/gaps/publish", headers=bearer(token))
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "missing_translations"
    assert _without_ids(body["missing"]) == EXPECTED
    assert body["missing"][0]["id"] == forum.id
    still = await Forum.objects().where(Forum.slug == "gaps").first()
    assert still is not None and still.status == ForumStatus.DRAFT
    also_refused = await client.post(
        "/api/forums/gaps/publish", headers=bearer(token), json={"accept_fallback": False}
    )
    assert also_refused.status_code == 409
    accepted = await client.post(
        "/api/forums/gaps/publish", headers=bearer(token), json={"accept_fallback": True}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "published"


async def test_a_forum_in_one_language_lacks_nothing(client):
    forum = await _draft_with_gaps()
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    patched = await client.patch(
        "/api/forums/gaps", headers=bearer(token), json={"languages": "en"}
    )
    assert patched.status_code == 200 and patched.json()["languages"] == "en"
    found = await registration.coverage.coverage(await _reload(forum))
    assert (found.missing, found.percent) == ([], {"en": 100})
    published = await client.post("/api/forums/gaps/publish", headers=bearer(token))
    assert published.status_code == 200, published.text
    wrong = await client.patch("/api/forums/gaps", headers=bearer(token), json={"languages": "fr"})
    assert wrong.status_code == 400


async def _reload(forum: Forum) -> Forum:
    row = await Forum.objects().where(Forum.id == forum.id).first()
    assert row is not None
    return row


async def test_coverage_counts_public_texts_only(client):
    forum = await _draft_with_gaps()
    # an invitation-only category without its name in Chinese is not public
    await Category.update({Category.name: "Donor", Category.name_local: ""}).where(
        (Category.forum == forum.id) & (Category.code == "vip")
    )
    found = await registration.coverage.coverage(forum)
    # forum name, theme, venue; room; attendee, press; question label and options;
    # session title; speaker name and bio: 11 texts, 6 in Chinese
    assert found.percent == {"en": 100, "zh-TW": 54}
    assert len(found.missing) == 5


async def test_the_workspace_lists_the_gaps_with_links_and_publishes_on_acceptance(client):
    forum = await _draft_with_gaps()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    page = await client.get("/manage/forums/gaps")
    assert "繁體中文 54 %" in page.text and "English 100 %" in page.text
    refused = await client.post("/manage/forums/gaps/publish", data={"_csrf_token": token})
    assert refused.status_code == 200
    assert 'href="/manage/forums/gaps"' in refused.text
    session_link = 'href="/manage/forums/gaps/sessions/'
    assert session_link in refused.text and 'href="/manage/forums/gaps/speakers/' in refused.text
    assert 'name="accept_fallback"' in refused.text
    assert "Speaker: Jane Roe</a>" in refused.text  # known by its name, not its biography
    assert (await _reload(forum)).status == ForumStatus.DRAFT
    done = await client.post(
        "/manage/forums/gaps/publish", data={"_csrf_token": token, "accept_fallback": "on"}
    )
    assert done.status_code == 303
    assert (await _reload(forum)).status == ForumStatus.PUBLISHED


async def test_the_settings_form_saves_the_languages(client):
    forum = await make_forum("langs", publish=False)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    page = await client.get("/manage/forums/langs?lang=zh-TW")
    assert 'name="languages"' in page.text and "僅中文" in page.text
    values = {
        "_csrf_token": token,
        "name": "Test Forum",
        "starts_on": forum.starts_on.isoformat(),
        "ends_on": forum.ends_on.isoformat(),
        "timezone": "Asia/Taipei",
        "languages": "zh-TW",
    }
    saved = await client.post("/manage/forums/langs", data=values)
    assert saved.status_code == 303, saved.text
    assert (await _reload(forum)).languages == "zh-TW"
    bad = await client.post("/manage/forums/langs", data={**values, "languages": "fr"})
    assert bad.status_code == 422
