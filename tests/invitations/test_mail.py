"""The mails as people get them: the guest's in their language with the link that works,
the organizers' notice of a decline; and the organizer's page costs the same queries for
one invitation as for three."""

from __future__ import annotations

from forum_mgmt.invitations import services as invitations
from forum_mgmt.mail import services as mail
from tests.invitations.helpers import invite, organizer_forum


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


async def test_the_invitation_mail_is_in_the_guests_language_and_its_link_opens_the_form(
    client, guest, smtp
):
    inbox = smtp()
    forum, cats = await organizer_forum(client)
    await invite(
        client, forum, cats["vip"], email="zh@example.org", name="林佳龍", language="zh-TW"
    )
    await invite(client, forum, cats["vip"], email="en@example.org", name="Marco", language="en")

    await mail.send_all()

    by_to = {m["To"]: m for m in inbox.messages}
    assert by_to["zh@example.org"]["Subject"] == "邀請函：測試論壇"
    assert by_to["en@example.org"]["Subject"] == "You are invited: Test Forum"
    zh, en = _text(by_to["zh@example.org"]), _text(by_to["en@example.org"])
    assert zh.startswith("林佳龍 您好")
    assert "誠摯邀請您以「貴賓」身分出席「測試論壇」" in zh
    assert "You are invited to Test Forum" in en and "as VIP." in en
    link = next(w for w in zh.split() if "/invitations/" in w)
    assert link.endswith("?lang=zh-TW")
    path = "/invitations/" + link.split("/invitations/", 1)[1]
    opened = await guest.get(path)
    assert opened.status_code == 200 and 'value="林佳龍"' in opened.text


async def test_the_organizers_notice_of_a_decline_names_the_guest(client, guest, smtp):
    inbox = smtp()
    forum, cats = await organizer_forum(client)
    await invite(client, forum, cats["vip"], name="Amina Diallo", email="amina@example.org")
    await mail.send_all()
    link = next(w for w in _text(inbox.messages[0]).split() if "/invitations/" in w)
    token = link.split("/invitations/", 1)[1].split("?")[0]

    await invitations.decline(token)
    await mail.send_all()

    notice = inbox.messages[-1]
    assert (notice["To"], notice["Subject"]) == (
        "gf-org@users.invalid",
        "Invitation declined: Amina Diallo",
    )
    assert "/manage/forums/gf/invitations" in _text(notice)


async def test_the_invitations_page_costs_the_same_queries_for_one_or_three(client, count_queries):
    forum, cats = await organizer_forum(client)
    await client.get("/manage/forums/gf/invitations")  # the guard's role lookup, cached after
    counts, seen = [], []
    for n in (1, 3):
        for i in range(n):
            await invitations.invite(
                forum,
                cats["vip"],
                name=f"G{n}{i}",
                email=f"g{n}{i}@example.org",
                options=invitations.Options(),
            )
            await invitations.create_code(forum, cats["vip"], label=f"D{n}{i}", max_uses=2)
        count_queries.count, count_queries.queries = 0, []
        page = await client.get("/manage/forums/gf/invitations")
        assert page.status_code == 200
        counts.append(count_queries.count)
        seen.append([q[:60] for q in count_queries.queries])
    assert counts[0] == counts[1], seen
