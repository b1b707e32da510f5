"""The demo forum: NGO Leaders Forum 2026, built through the services.

Grounded in a Taipei Times report of 2026-01-08 ("Ministry outlines plan for INGO
center"): the Ministry of Foreign Affairs held the forum in Taipei on 2026-01-07. The
minister's address and WeWorld's keynote follow that report; every other speaker is an
invented sample person, marked as such, and says nothing in a real person's name.
"""

from __future__ import annotations

import datetime as dt
import os

from piccolo.apps.user.tables import BaseUser

from forum_mgmt.accounts import services as accounts
from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import RoomIn, SessionIn, SessionSpeakerIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import SessionKind, SpeakerRole
from forum_mgmt.core import time
from forum_mgmt.core.db import transaction
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.registration import services as registration

SLUG = "ngo-leaders-forum-2026"
TZ = "Asia/Taipei"
REAL_DATE = dt.date(2026, 1, 7)

ABOUT = (
    "This is a demonstration forum. It is modelled on the NGO Leaders Forum that Taiwan's "
    "Ministry of Foreign Affairs (MOFA) held in Taipei; the real forum took place on "
    "2026-01-07 (reported by the Taipei Times on 2026-01-08). This copy is dated so that "
    "you can try the agenda, registration and check-in today.\n\n"
    "The Minister's opening address and the WeWorld keynote follow that report. Every other "
    "speaker is an invented sample person, marked as such."
)
ABOUT_LOCAL = (
    "這是示範用的論壇，以外交部於臺北舉辦的「NGO領袖論壇」為藍本；真實的論壇已於 "
    "2026-01-07 舉行（《臺北時報》2026-01-08 報導）。本示範的日期設在可以實際試用議程、"
    "報名與報到的日子。\n\n"
    "部長開幕致詞與 WeWorld 專題演講依據該報導；其餘講者皆為標示清楚的虛構示範人物。"
)

ROOMS = [
    RoomIn(name="Main Hall", name_local="國際會議廳", capacity=400),
    RoomIn(name="Room 201", name_local="201 會議室", capacity=120),
    RoomIn(name="Room 202 (Workshop)", name_local="202 工作坊教室", capacity=40),
]
TRACKS = [
    TrackIn(name="Integrated Diplomacy", name_local="整合外交", color="#0b5cad"),
    TrackIn(name="Humanitarian Partnerships", name_local="人道夥伴關係", color="#c4432b"),
    TrackIn(name="Civil Society", name_local="公民社會", color="#2b8a3e"),
]
SAMPLE_BIO = "An invented sample person for the demo forum; not a real participant."
SAMPLE_BIO_LOCAL = "示範論壇的虛構人物，並非真實與會者。"
SPEAKERS = {
    "lin": SpeakerIn(
        name="Lin Chia-lung",
        name_local="林佳龍",
        title="Minister of Foreign Affairs",
        title_local="外交部部長",
        organization="Ministry of Foreign Affairs, Taiwan (ROC)",
        organization_local="中華民國外交部",
        bio="Minister of Foreign Affairs. At the 2026 forum he presented values-based, "
        "economic and alliance diplomacy, joined as “integrated diplomacy”, and a planned "
        "international NGO center in Taipei as a hub for the Indo-Pacific.",
        bio_local="外交部部長。在 2026 年論壇中闡述價值外交、經濟外交與同盟外交結合而成的"
        "「整合外交」，並介紹規劃中的臺北國際NGO中心，作為印太地區的樞紐。",
    ),
    "chiesara": SpeakerIn(
        name="Marco Chiesara",
        title="President",
        title_local="主席",
        organization="WeWorld",
        organization_local="WeWorld（義大利人道組織）",
        bio="President of WeWorld, the Italian humanitarian organisation, which supports "
        "children affected by the war in Ukraine with MOFA and the Taiwan Fund for Children "
        "and Families (TFCF) as partners.",
        bio_local="義大利人道組織 WeWorld 主席；WeWorld 與外交部及台灣家扶基金會（TFCF）"
        "合作，支援受烏克蘭戰爭影響的兒童。",
    ),
    "hart": SpeakerIn(
        name="Amelia Hart (sample)",
        title="Director of Partnerships",
        organization="Sample Pacific NGO Network",
        organization_local="太平洋NGO網絡（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "chen": SpeakerIn(
        name="Chen Yi-chun (sample)",
        name_local="陳怡君（示範）",
        title="Programme Officer",
        title_local="計畫專員",
        organization="Sample Taiwan Civil Society Alliance",
        organization_local="臺灣公民社會聯盟（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "mehta": SpeakerIn(
        name="Rahul Mehta (sample)",
        title="Humanitarian Adviser",
        organization="Sample Relief Collective",
        organization_local="國際救援協作（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "wang": SpeakerIn(
        name="Wang Chih-ming (sample)",
        name_local="王志明（示範）",
        title="Secretary-General",
        title_local="秘書長",
        organization="Sample Foundation for Children",
        organization_local="兒童關懷基金會（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "lindqvist": SpeakerIn(
        name="Sofia Lindqvist (sample)",
        title="Researcher, NGO Impact",
        organization="Sample Institute for Development Studies",
        organization_local="發展研究所（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "lin_mh": SpeakerIn(
        name="Lin Mei-hui (sample)",
        name_local="林美惠（示範）",
        title="Youth Programme Lead",
        title_local="青年計畫負責人",
        organization="Sample Youth NGO Lab",
        organization_local="青年NGO實驗室（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
    "okafor": SpeakerIn(
        name="Grace Okafor (sample)",
        title="Child Protection Specialist",
        organization="Sample Child Safeguarding Network",
        organization_local="兒少保護網絡（示範）",
        bio=SAMPLE_BIO,
        bio_local=SAMPLE_BIO_LOCAL,
        is_sample=True,
    ),
}

# (start, end, room, track, kind, language, title, title_local, abstract, abstract_local,
#  capacity, [(speaker, role)])
# fmt: off
PROGRAMME = [
    ("08:30", "09:00", 0, None, SessionKind.BREAK, "en+zh-TW",
     "Registration and coffee", "報到與咖啡", "", "", None, []),
    ("09:00", "09:25", 0, 0, SessionKind.OPENING, "zh-TW",
     "Opening Address: Integrated Diplomacy in Action", "開幕致詞：整合外交在行動",
     "The Minister of Foreign Affairs opens the forum: values-based, economic and alliance "
     "diplomacy joined as “integrated diplomacy”, and the planned international NGO center "
     "in Taipei as a hub for the Indo-Pacific.",
     "外交部部長開幕致詞：價值外交、經濟外交與同盟外交結合為「整合外交」，以及規劃中的"
     "臺北國際NGO中心作為印太地區的樞紐。",
     None, [("lin", SpeakerRole.SPEAKER)]),
    ("09:25", "10:05", 0, 1, SessionKind.KEYNOTE, "en",
     "Keynote: Standing with the Children of Ukraine", "專題演講：與烏克蘭的孩子同行",
     "WeWorld's support for children affected by the war in Ukraine, with MOFA and the Taiwan "
     "Fund for Children and Families (TFCF) as partners: foster families and children's mental "
     "health in Kyiv, and earlier work after the earthquakes in Syria and Afghanistan.",
     "WeWorld 與外交部及台灣家扶基金會（TFCF）合作，支援受烏克蘭戰爭影響的兒童：基輔的"
     "寄養家庭與兒童心理健康，以及先前在敘利亞與阿富汗震災後的工作。",
     None, [("chiesara", SpeakerRole.SPEAKER)]),
    ("10:05", "10:30", 0, None, SessionKind.BREAK, "en+zh-TW",
     "Coffee break", "茶敘", "", "", None, []),
    ("10:30", "12:00", 0, 0, SessionKind.PANEL, "en",
     "Panel: NGO Diplomacy and Taiwan's Partners in the Indo-Pacific",
     "座談：NGO外交與臺灣的印太夥伴",
     "A sample panel on how NGOs and governments work together abroad.",
     "示範座談：NGO與政府如何在海外合作。",
     None, [("hart", SpeakerRole.MODERATOR), ("chen", SpeakerRole.PANELIST),
            ("lindqvist", SpeakerRole.PANELIST)]),
    ("10:30", "12:00", 1, 1, SessionKind.PANEL, "en+zh-TW",
     "Panel: Humanitarian Partnerships from Kyiv to Earthquake Zones",
     "座談：從基輔到震災區的人道夥伴關係",
     "A sample panel on long-term humanitarian partnerships.",
     "示範座談：長期的人道夥伴關係。",
     None, [("wang", SpeakerRole.MODERATOR), ("mehta", SpeakerRole.PANELIST),
            ("okafor", SpeakerRole.PANELIST)]),
    ("12:00", "13:30", 0, None, SessionKind.BREAK, "en+zh-TW",
     "Lunch", "午餐", "", "", None, []),
    ("13:30", "15:00", 0, 2, SessionKind.PANEL, "zh-TW",
     "Panel: Building Taipei's International NGO Center", "座談：打造臺北國際NGO中心",
     "A sample panel on what a hub for international NGOs in Taipei needs.",
     "示範座談：臺北的國際NGO樞紐需要什麼。",
     None, [("chen", SpeakerRole.MODERATOR), ("wang", SpeakerRole.PANELIST),
            ("lin_mh", SpeakerRole.PANELIST)]),
    ("13:30", "15:30", 2, 1, SessionKind.WORKSHOP, "en",
     "Workshop: Designing Child-Safe Humanitarian Programmes",
     "工作坊：設計兒少安全的人道計畫",
     "A hands-on sample workshop with its own limited capacity.",
     "示範工作坊，名額有限，需另行預約。",
     30, [("okafor", SpeakerRole.SPEAKER)]),
    ("15:00", "15:30", 0, None, SessionKind.BREAK, "en+zh-TW",
     "Tea break", "午茶", "", "", None, []),
    ("15:30", "16:30", 1, 2, SessionKind.TALK, "en",
     "Measuring Impact: Evidence for NGO Partnerships", "衡量影響：NGO夥伴關係的實證",
     "A sample talk on evaluating partnership programmes.",
     "示範演講：如何評估夥伴計畫。",
     None, [("lindqvist", SpeakerRole.SPEAKER)]),
    ("15:30", "16:30", 0, 2, SessionKind.PANEL, "en+zh-TW",
     "Panel: The Next Generation of NGO Leaders", "座談：下一代NGO領袖",
     "A sample panel with young organisers.",
     "示範座談：與青年組織者對話。",
     None, [("lin_mh", SpeakerRole.MODERATOR), ("hart", SpeakerRole.PANELIST),
            ("mehta", SpeakerRole.PANELIST)]),
    ("16:30", "17:00", 0, 0, SessionKind.TALK, "en+zh-TW",
     "Closing Remarks and the Road Ahead", "閉幕致詞與展望",
     "Sample closing remarks by the forum's hosts.",
     "論壇主辦單位的示範閉幕致詞。",
     None, [("chen", SpeakerRole.SPEAKER)]),
]
# fmt: on


ORGANIZER = "demo-organizer"
STAFF = "demo-staff"


async def ensure_team(forum: Forum) -> dict[str, str]:
    """A demo organizer and a door staff member for the forum; returns new passwords.

    A password is printed only when the account is created (DEMO_PASSWORD, else generated).
    """
    created = {}
    for username, role in ((ORGANIZER, Role.ORGANIZER), (STAFF, Role.STAFF)):
        if await BaseUser.exists().where(BaseUser.username == username):
            continue
        user, password = await accounts.create_user(
            username, password=os.environ.get("DEMO_PASSWORD") or None
        )
        await forums.grant(forum, user, role)
        created[username] = password
    return created


async def load(day: dt.date | None = None) -> tuple[Forum, bool]:
    """Load the demo forum once; returns (forum, created). A second run changes nothing."""
    existing = await Forum.objects().where(Forum.slug == SLUG).first()
    if existing is not None:
        return existing, False
    day = day or time.today(TZ)
    async with transaction():
        org = await forums.ensure_organisation(
            "mofa",
            name="Ministry of Foreign Affairs (sample organiser account)",
            name_local="外交部（示範主辦帳號）",
        )
        forum = await forums.create_forum(
            org,
            ForumIn(
                slug=SLUG,
                name="NGO Leaders Forum 2026",
                name_local="2026 NGO領袖論壇",
                theme="Integrated Diplomacy in Action: NGO Experiences, Achievements and Outlook",
                theme_local="整合外交在行動：NGO的經驗、成就與展望",
                description=ABOUT,
                description_local=ABOUT_LOCAL,
                venue="Taipei (demo venue)",
                venue_local="臺北（示範場地）",
                timezone=TZ,
                starts_on=day,
                ends_on=day,
                capacity=300,
            ),
        )
        rooms = [await agenda.add_room(forum, r) for r in ROOMS]
        tracks = [await agenda.add_track(forum, t) for t in TRACKS]
        speakers = {key: await agenda.add_speaker(forum, s) for key, s in SPEAKERS.items()}
        for (
            start,
            end,
            room,
            track,
            kind,
            language,
            title,
            title_local,
            abstract,
            abstract_local,
            capacity,
            people,
        ) in PROGRAMME:
            await agenda.add_session(
                forum,
                SessionIn(
                    title=title,
                    title_local=title_local,
                    abstract=abstract,
                    abstract_local=abstract_local,
                    kind=kind,
                    language=language,
                    starts_at=time.at(day, dt.time.fromisoformat(start), TZ),
                    ends_at=time.at(day, dt.time.fromisoformat(end), TZ),
                    room_id=rooms[room].id,
                    track_id=tracks[track].id if track is not None else None,
                    capacity=capacity,
                    speakers=[SessionSpeakerIn(speakers[k].id, role) for k, role in people],
                ),
            )
        await registration.ensure_categories(forum)
        forum = await forums.publish(forum)
    return forum, True
