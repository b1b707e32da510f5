"""A CSV of guests: all or nothing, each problem with its line number, UTF-8 with or
without a BOM, Chinese names, a language per guest."""

from __future__ import annotations

from forum_mgmt.invitations.tables import Invitation
from forum_mgmt.mail.tables import Outbox
from tests.invitations.helpers import invite, organizer_forum, upload

GOOD = (
    "name,email,language\n"
    "林佳龍,lin@example.org,zh-TW\n"
    "Marco Chiesara,Marco@Example.org,en\n"
    "陳美麗,chen@example.org,\n"
)


async def _invited() -> list[tuple[str, str, str]]:
    rows = await Invitation.select(Invitation.name, Invitation.email, Invitation.language)
    return sorted((r["name"], r["email"], r["language"]) for r in rows)


async def test_a_csv_with_a_bom_and_chinese_names_invites_everyone_in_their_language(client):
    forum, cats = await organizer_forum(client)

    done = await upload(client, forum, cats["vip"], GOOD.encode("utf-8-sig"), skip_quota="on")

    assert (done.status_code, done.headers["location"]) == (
        303,
        "/manage/forums/gf/invitations?done=imported-3",
    )
    assert await _invited() == [
        ("Marco Chiesara", "marco@example.org", "en"),
        ("林佳龍", "lin@example.org", "zh-TW"),
        ("陳美麗", "chen@example.org", "en"),  # empty: the forum's first language
    ]
    mails = await Outbox.select(Outbox.to, Outbox.language).where(Outbox.template == "invitation")
    assert sorted((m["to"], m["language"]) for m in mails) == [
        ("chen@example.org", "en"),
        ("lin@example.org", "zh-TW"),
        ("marco@example.org", "en"),
    ]
    rows = await Invitation.select(Invitation.skip_quota, Invitation.skip_approval)
    assert {(r["skip_quota"], r["skip_approval"]) for r in rows} == {(True, False)}
    page = await client.get("/manage/forums/gf/invitations?done=imported-3")
    assert "3 invitations sent." in page.text and "林佳龍" in page.text


async def test_without_a_bom_and_without_a_language_column(client):
    forum, cats = await organizer_forum(client)
    content = "Email,Name\r\nlin@example.org,林佳龍\r\n\r\n"
    done = await upload(client, forum, cats["vip"], content.encode())
    assert done.status_code == 303
    assert await _invited() == [("林佳龍", "lin@example.org", "en")]


async def test_one_bad_line_and_nobody_is_invited_every_problem_named_by_line(client):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], email="taken@example.org")
    content = (
        "name,email,language\n"  # line 1
        "Good Guest,good@example.org,en\n"  # 2
        ",noname@example.org,en\n"  # 3
        "Bad Mail,not-an-address,en\n"  # 4
        "Twice,good@example.org,en\n"  # 5
        "French,fr@example.org,fr\n"  # 6
        "Taken,taken@example.org,\n"  # 7
        "Too,many@example.org,en,extra\n"  # 8
    )

    refused = await upload(client, forum, cats["vip"], content.encode())

    assert refused.status_code == 422
    text = refused.text
    assert "Nothing was imported: fix these lines." in text
    for line, problem in [
        (3, "Name: Please fill this in."),
        (4, "Email: This does not look like an email address."),
        (5, "The address is on line 2 already."),
        (6, "Language: use en or zh-TW."),
        (8, "More cells than the header names."),
    ]:
        assert f"Line {line}: {problem}" in text
    assert "Line 2:" not in text
    assert await Invitation.count() == 1  # only the one invited before
    assert await Outbox.count() == 1


async def test_an_address_invited_before_is_named_by_its_line(client):
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], email="lin@example.org")
    refused = await upload(client, forum, cats["vip"], GOOD.encode())
    assert refused.status_code == 422
    assert "Line 2: This address has an invitation already." in refused.text
    assert await Invitation.count() == 1


async def test_a_file_that_is_not_utf8_is_refused_with_its_line(client):
    forum, cats = await organizer_forum(client)
    big5 = "name,email\nGuest,g@example.org\n林佳龍,lin@example.org\n".encode("big5")
    refused = await upload(client, forum, cats["vip"], big5)
    assert refused.status_code == 422
    assert "save it as “CSV UTF-8”" in refused.text
    assert "Line 3: Not UTF-8 text." in refused.text
    assert await Invitation.count() == 0


async def test_a_header_is_needed_and_an_empty_file_says_so(client):
    forum, cats = await organizer_forum(client)
    no_header = await upload(client, forum, cats["vip"], b"Guest,g@example.org\n")
    assert no_header.status_code == 422
    assert "Line 1: Missing the name or email column." in no_header.text
    empty = await upload(client, forum, cats["vip"], b"")
    assert empty.status_code == 422
    only_header = await upload(client, forum, cats["vip"], b"name,email\n")
    assert only_header.status_code == 422 and "The file names no guests." in only_header.text
    assert await Invitation.count() == 0


async def test_the_refusal_is_in_chinese_for_a_chinese_organizer(client):
    forum, cats = await organizer_forum(client)
    await client.get("/manage?lang=zh-TW")
    refused = await upload(client, forum, cats["vip"], b"name,email\n,x@example.org\n")
    assert refused.status_code == 422
    assert "第 2 行：" in refused.text and "未匯入任何資料" in refused.text
