"""The invitation as it leaves through SMTP: in the chosen language, its link works."""

from __future__ import annotations

import httpx

from forum_mgmt.forums.tables import ForumRole, Role
from forum_mgmt.mail import services as mail
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user
from tests.teams.helpers import LINK, NEW_PASSWORD, invite


async def test_the_invitation_goes_out_by_smtp_in_chinese_and_its_link_works(app, client, smtp):
    inbox = smtp()
    forum = await make_forum()
    await make_user("olga", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "olga")
    sent = await invite(
        client, "/manage/forums/test-forum/team", "lin@example.tw", "staff", "zh-TW"
    )
    assert sent.status_code == 303
    assert await mail.send_all() == 1
    (message,) = inbox.messages
    assert message["To"] == "lin@example.tw"
    assert message["Subject"] == "邀請您加入「測試論壇」團隊"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "olga 邀請您以工作人員身分加入「測試論壇」的團隊。" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "接受邀請" in html
    found = LINK.search(text)
    assert found is not None
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as lin:
        path = f"/team-invitation/{found[1]}"
        assert (await lin.get(path)).status_code == 200
        joined = await lin.post(
            path + "/new",
            data={
                "username": "lin",
                "password": NEW_PASSWORD,
                "_csrf_token": await csrf_token(lin),
            },
        )
        assert joined.status_code == 303
        assert (await lin.get("/checkin/test-forum")).status_code == 200
    assert await ForumRole.count().where(ForumRole.forum == forum.id) == 2
