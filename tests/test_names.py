"""One rule, one helper: organizer-entered names show in the reader's language, the other one
when a text lacks it; no template reads the two columns itself."""

import re
from pathlib import Path

from forum_mgmt.core import i18n
from forum_mgmt.core.settings import ROOT
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from tests.conftest import sign_in
from tests.factories import make_forum, make_room, make_session, make_user

TEMPLATES = ROOT / "templates"
# A Jinja expression or statement, then what in it reads a second-language column.
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
DIRECT = re.compile(r"\w\.\w+_local\b|\bpick\(|\bbilingual\(|category_label\(")


def test_no_template_reads_a_second_language_column_itself():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.*")):
        for expression in JINJA.findall(path.read_text()):
            if DIRECT.search(expression):
                offenders.append(f"{Path(path).relative_to(TEMPLATES)}: {expression[:80]}")
    assert offenders == []


def test_the_helper_picks_the_readers_language_and_falls_back():
    both = {"name": "Main Hall", "name_local": "主廳"}
    english_only = {"name": "Room 201", "name_local": ""}
    chinese_only = {"name": "", "name_local": "茶水間"}
    with i18n.language("zh-TW"):
        assert [i18n.localized(x) for x in (both, english_only, chinese_only)] == [
            "主廳",
            "Room 201",
            "茶水間",
        ]
        assert i18n.localized_pair(both) == ("主廳", "Main Hall")
    with i18n.language("en"):
        assert [i18n.localized(x) for x in (both, english_only, chinese_only)] == [
            "Main Hall",
            "Room 201",
            "茶水間",
        ]
    assert i18n.localized(both, lang="zh-TW") == "主廳"


async def _organizer(client, forum):
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")


async def test_the_builders_move_form_names_rooms_in_the_readers_language(client):
    forum = await make_forum("tf")
    room = await make_room(forum, "Main Hall", name_local="國際會議廳")
    await make_room(forum, "Room 201", name_local="201 會議室")
    await make_session(forum, "Opening", title_local="開幕", room=room)
    await _organizer(client, forum)
    page = await client.get("/manage/forums/tf/agenda?lang=zh-TW")
    options = re.findall(r'<select name="room_id">(.*?)</select>', page.text, re.S)
    assert options, page.text
    assert re.findall(r">([^<]+)</option>", options[0]) == ["國際會議廳", "201 會議室"]
    english = await client.get("/manage/forums/tf/agenda?lang=en")
    options = re.findall(r'<select name="room_id">(.*?)</select>', english.text, re.S)
    assert re.findall(r">([^<]+)</option>", options[0]) == ["Main Hall", "Room 201"]


async def test_the_checkin_dashboard_names_categories_and_workshops_in_chinese(client):
    forum = await make_forum("tf")
    await registration.ensure_categories(forum)
    await make_session(forum, "Writing Workshop", title_local="寫作工作坊", kind="workshop")
    await _organizer(client, forum)
    page = await client.get("/manage/forums/tf/checkin-dashboard?lang=zh-TW")
    assert page.status_code == 200
    categories = re.search(r'data-list="categories">(.*?)</tbody>', page.text, re.S)
    assert categories is not None
    names = re.findall(r"<tr><td>([^<]+)</td>", categories.group(1))
    assert names == ["與會者", "講者", "媒體", "貴賓", "工作人員"]
    assert "<td>寫作工作坊</td>" in page.text and "Writing Workshop" not in page.text
    stats = await client.get("/api/forums/tf/checkin-stats?lang=zh-TW")
    assert [c["name"] for c in stats.json()["categories"]][:1] == ["與會者"]


async def test_registration_settings_name_categories_and_question_options(client):
    forum = await make_forum("tf")
    await registration.ensure_categories(forum)
    await registration.add_question(
        forum,
        label="Diet",
        label_local="飲食",
        kind="choice",
        choices="Meat\nVegetarian",
        choices_local="葷食\n素食",
    )
    await _organizer(client, forum)
    page = await client.get("/manage/forums/tf/registration-settings?lang=zh-TW")
    assert "與會者" in page.text and "<code>attendee</code>" not in page.text
    assert "選擇" in page.text  # the kind of answer, not the code "choice"
    form = await client.get("/forums/tf/register?lang=zh-TW")
    assert 'value="Meat"' in form.text and "> 葷食</label>" in form.text
    assert "> Meat</label>" not in form.text
    uneven = await client.post(
        "/manage/forums/tf/registration-settings/questions",
        data={
            "_csrf_token": client.cookies["csrftoken"],
            "label": "Size",
            "kind": "choice",
            "choices": "S\nM",
            "choices_local": "小",
        },
    )
    assert uneven.status_code == 422
    assert [q.label for q in await registration.questions(forum)] == ["Diet"]
