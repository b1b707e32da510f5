"""The words of the registration form and the dates around it, as people in Taiwan read them:
country names, 姓名, Chinese punctuation, English dates that cannot be misread, an error
summary that names each field."""

from __future__ import annotations

import re

from lxml import html

from forum_mgmt.agenda.tables import SessionKind
from forum_mgmt.registration import services
from tests.conftest import csrf_token, sign_in
from tests.factories import DAY, make_forum, make_room, make_session, make_user, spelled
from tests.registration.helpers import person

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
DAY_TIME = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\b")  # 6 Dec 2026, 09:00


def _options(page) -> dict[str, str]:
    tree = html.fromstring(page.text)
    return {o.get("value"): o.text_content() for o in tree.xpath("//select[@id='country']/option")}


async def test_country_names_are_those_used_in_taiwan(client):
    await make_forum()
    zh = _options(await client.get("/forums/test-forum/register?lang=zh-TW"))
    assert (zh["TW"], zh["HK"], zh["MO"], zh["PS"]) == ("臺灣", "香港", "澳門", "巴勒斯坦")
    assert not [name for name in zh.values() if "特別行政區" in name]
    en = _options(await client.get("/forums/test-forum/register?lang=en"))
    assert (en["TW"], en["HK"], en["MO"]) == ("Taiwan", "Hong Kong", "Macao")
    assert not [name for name in en.values() if "SAR" in name]


async def test_a_persons_name_is_xingming_and_a_forums_name_mingcheng(client):
    await make_forum()
    page = html.fromstring((await client.get("/forums/test-forum/register?lang=zh-TW")).text)
    assert page.xpath("string(//label[@for='name'])").startswith("姓名")
    await make_user("olga", admin=True)
    await sign_in(client, "olga")
    settings = html.fromstring((await client.get("/manage/forums/test-forum?lang=zh-TW")).text)
    assert settings.xpath("string(//label[@for='f-name'])").startswith("名稱")
    for kind, word in (("speakers", "姓名"), ("rooms", "名稱")):
        page = await client.get(f"/manage/forums/test-forum/{kind}?lang=zh-TW")
        label = html.fromstring(page.text).xpath("string(//label[@for='f-name'])")
        assert label.startswith(word), kind


async def test_the_consent_links_to_the_forums_privacy_notice(client):
    await make_forum()
    page = html.fromstring((await client.get("/forums/test-forum/register")).text)
    [link] = page.xpath("//input[@id='consent']/ancestor::div[1]//a/@href")
    assert link == "/forums/test-forum/privacy"
    notice = await client.get(link)
    assert notice.status_code == 200 and "Test Forum" in notice.text


async def test_the_error_summary_names_each_field_and_takes_focus(client):
    await make_forum()
    for lang, expected in (
        ("en", ["Email: ", "Name: ", "Consent to the privacy notice: "]),
        ("zh-TW", ["電子郵件：", "姓名：", "同意隱私權聲明："]),
    ):
        token = await csrf_token(client)
        form = {"email": "bad", "name": "", "_csrf_token": token}
        response = await client.post(f"/forums/test-forum/register?lang={lang}", data=form)
        assert response.status_code == 422
        [summary] = html.fromstring(response.text).xpath("//*[@id='form-message']")
        assert summary.get("autofocus") is not None and summary.get("tabindex") == "-1"
        links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
        assert set(links) == {"#email", "#name", "#consent"}
        for href, start in zip(("#email", "#name", "#consent"), expected, strict=True):
            assert links[href].startswith(start), (lang, links)


async def test_chinese_dates_take_chinese_punctuation(client):
    forum = await make_forum()
    session = await make_session(forum, "Opening", room=await make_room(forum))
    page = await client.get(f"/forums/test-forum/sessions/{session.id}?lang=zh-TW")
    day = spelled(DAY, lang="zh-TW")  # such as "2026年12月6日 星期日"
    assert re.search(r"星期.$", day)
    assert f"{day}，<time" in page.text
    english = await client.get(f"/forums/test-forum/sessions/{session.id}?lang=en")
    assert f"{spelled(DAY)}, <time" in english.text


async def test_english_dates_put_the_day_first_and_never_all_numbers(client):
    forum = await make_forum()
    lab = await make_session(forum, "Lab", kind=SessionKind.WORKSHOP, capacity=5)
    reg = (await services.register(forum, person(1, session_ids=[lab.id]))).registration
    await make_user("olga", admin=True)
    await sign_in(client, "olga")
    medium = f"{DAY.day} {DAY:%b} {DAY.year}"  # "6 Dec 2026"
    assert spelled(DAY, "medium") == medium
    assert spelled(DAY) == f"{DAY:%A}, {DAY.day} {DAY:%B} {DAY.year}"
    for url in (
        f"/tickets/{reg.token}",
        "/manage/forums/test-forum/sessions",
        "/manage/forums/test-forum/changes",
        f"/manage/forums/test-forum/registrations/{reg.id}",
    ):
        page = await client.get(f"{url}?lang=en")
        assert page.status_code == 200, url
        text = html.fromstring(page.text).text_content()
        assert NUMERIC_DATE.findall(text) == [], url
        assert DAY_TIME.search(text), url
        zh = html.fromstring((await client.get(f"{url}?lang=zh-TW")).text).text_content()
        assert NUMERIC_DATE.findall(zh) == [], url
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日，\d\d:\d\d", zh), url
    ticket = html.fromstring((await client.get(f"/tickets/{reg.token}?lang=en")).text)
    assert f"{medium}, 09:00" in ticket.text_content()
