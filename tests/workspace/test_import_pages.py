"""The CSV import pages through the app: upload, preview, import, and who may use them."""

import codecs
import re
from html import unescape

from forum_mgmt.agenda.services.spreadsheet import MAX_BYTES
from forum_mgmt.agenda.tables import AgendaSession, Speaker
from forum_mgmt.forums.tables import Role
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, make_forum, make_room, make_user

SPEAKERS = codecs.BOM_UTF8 + "姓名,中文姓名,單位\r\nLin Mei-hua,林美華,台灣NGO中心\r\n".encode()


async def organizer(client, slug: str = "tf"):
    forum = await make_forum(slug)
    await make_user("organizer", role=Role.ORGANIZER, forum=forum)
    assert (await sign_in(client, "organizer")).status_code == 303
    return forum


async def upload(client, data: bytes, **fields):
    token = await csrf_token(client)
    return await client.post(
        "/manage/forums/tf/import/preview",
        data={"_csrf_token": token, **fields},
        files={"file": ("speakers.csv", data, "text/csv")},
    )


def confirm_fields(html: str) -> dict[str, str]:
    form = html[html.index('action="/manage/forums/tf/import/apply"') :]
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }


async def test_organizer_uploads_previews_and_imports_speakers(client):
    await organizer(client)
    page = await client.get("/manage/forums/tf/import/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert "/manage/forums/tf/import/template-sessions.csv" in page.text

    preview = await upload(client, SPEAKERS)
    assert preview.status_code == 200
    assert '<tr id="row-2" data-status="ok">' in preview.text
    assert "林美華" in preview.text
    assert '<th scope="col">Organisation</th>' in preview.text
    assert await Speaker.count() == 0

    fields = confirm_fields(preview.text)
    assert fields["kind"] == "speakers"
    done = await client.post(
        "/manage/forums/tf/import/apply", data={"_csrf_token": await csrf_token(client), **fields}
    )
    assert (done.status_code, done.headers["location"]) == (
        303,
        "/manage/forums/tf/speakers?imported=1",
    )
    rows = await Speaker.select(Speaker.name, Speaker.name_local, Speaker.organization)
    assert rows == [{"name": "Lin Mei-hua", "name_local": "林美華", "organization": "台灣NGO中心"}]
    listing = await client.get(done.headers["location"])
    assert "1 row imported." in listing.text


async def test_preview_shows_row_errors_and_offers_no_import(client):
    await organizer(client)
    bad = f"title,day,start,end,room\r\nTalk,{DAY},09:00,10:00,Nowhere\r\n".encode()
    preview = await upload(client, bad)
    assert preview.status_code == 200
    assert '<tr id="row-2" data-status="error">' in preview.text
    assert "No room has this name: add the room first." in preview.text
    assert "/import/apply" not in preview.text


async def test_clashing_rows_need_the_accept_checkbox(client):
    forum = await organizer(client)
    await make_room(forum, "Hall")
    clashing = (
        f"title,day,start,end,room\r\nA,{DAY},09:00,10:00,Hall\r\nB,{DAY},09:30,10:30,Hall\r\n"
    ).encode()
    preview = await upload(client, clashing)
    assert 'data-status="clash"' in preview.text
    assert 'name="allow_conflicts"' in preview.text
    fields = confirm_fields(preview.text)
    token = await csrf_token(client)
    refused = await client.post(
        "/manage/forums/tf/import/apply", data={"_csrf_token": token, **fields}
    )
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert await AgendaSession.count() == 0
    accepted = await client.post(
        "/manage/forums/tf/import/apply",
        data={"_csrf_token": token, "allow_conflicts": "on", **fields},
    )
    assert accepted.headers["location"] == "/manage/forums/tf/sessions?imported=2"
    assert await AgendaSession.count() == 2


async def test_unreadable_files_are_a_clear_4xx_on_the_upload_page(client):
    await organizer(client)
    latin1 = await upload(client, "name\r\nMüller\r\n".encode("latin-1"))
    assert latin1.status_code == 422
    assert "CSV UTF-8" in unescape(latin1.text)
    empty = await upload(client, b"")
    assert (empty.status_code, "The file is empty." in empty.text) == (422, True)
    lost = await client.post(
        "/manage/forums/tf/import/apply",
        data={"_csrf_token": await csrf_token(client), "content": "!!!"},
    )
    assert lost.status_code == 400


async def test_templates_download_as_utf8_with_bom(client):
    await organizer(client)
    for kind in ("speakers", "sessions"):
        response = await client.get(f"/manage/forums/tf/import/template-{kind}.csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert f'filename="{kind}.csv"' in response.headers["content-disposition"]
        assert response.content.startswith(codecs.BOM_UTF8)


async def test_the_page_answers_in_chinese(client):
    await organizer(client)
    page = await client.get("/manage/forums/tf/import/?lang=zh-TW")
    assert "匯入講者或議程" in page.text


async def test_staff_gets_403_and_anonymous_goes_to_login(client):
    forum = await make_forum("tf")
    await make_user("staff", role=Role.STAFF, forum=forum)
    paths = [
        ("GET", "/manage/forums/tf/import/"),
        ("GET", "/manage/forums/tf/import/template-speakers.csv"),
        ("POST", "/manage/forums/tf/import/preview"),
        ("POST", "/manage/forums/tf/import/apply"),
    ]
    for method, path in paths:
        token = await csrf_token(client)
        response = await client.request(
            method, path, data={"_csrf_token": token} if method == "POST" else None
        )
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    await sign_in(client, "staff")
    for method, path in paths:
        token = await csrf_token(client)
        response = await client.request(
            method, path, data={"_csrf_token": token} if method == "POST" else None
        )
        assert response.status_code == 403, path
    assert await Speaker.count() == 0


async def test_cells_are_shown_escaped(client):
    await organizer(client)
    preview = await upload(client, b"name,title\r\n<script>alert(1)</script>,Dr\r\n")
    assert "<script>alert(1)</script>" not in preview.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.text


async def test_a_file_near_the_size_limit_goes_through_preview_and_apply(client):
    await organizer(client)
    bio = "x" * 440
    rows = "".join(f"Speaker {i},{bio}\r\n" for i in range(2000))
    data = f"name,bio\r\n{rows}".encode()
    assert 0.85 * MAX_BYTES < len(data) <= MAX_BYTES
    fields = confirm_fields((await upload(client, data)).text)
    done = await client.post(
        "/manage/forums/tf/import/apply", data={"_csrf_token": await csrf_token(client), **fields}
    )
    assert done.headers["location"] == "/manage/forums/tf/speakers?imported=2000"
    assert await Speaker.count() == 2000
