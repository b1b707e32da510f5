"""A small bilingual forum for the export tests."""

from __future__ import annotations

from tests.factories import make_forum, make_room, make_session, make_speaker, make_track


async def export_forum(slug: str = "tf", **fields):
    forum = await make_forum(slug, venue="Taipei", venue_local="臺北", **fields)
    hall = await make_room(forum, "Main Hall", name_local="國際會議廳", capacity=400)
    side = await make_room(forum, "Room 201")
    track = await make_track(forum, "Diplomacy", name_local="外交", color="#123456")
    lin = await make_speaker(
        forum,
        "Lin Chia-lung",
        name_local="林佳龍",
        organization="Ministry of Foreign Affairs",
        bio="Minister.",
    )
    hart = await make_speaker(forum, "Amelia Hart")
    opening = await make_session(
        forum,
        "Opening Address",
        title_local="開幕致詞",
        abstract="Integrated diplomacy, in action; with NGOs.",
        abstract_local="整合外交在行動。",
        kind="opening",
        start="09:00",
        end="09:45",
        room=hall,
        track=track,
        speakers=[lin],
        language="zh-TW",
    )
    panel = await make_session(
        forum,
        "Panel on partners",
        kind="panel",
        start="10:00",
        end="11:30",
        room=side,
        speakers=[hart, lin],
        language="en+zh-TW",
    )
    return forum, {
        "hall": hall,
        "side": side,
        "track": track,
        "lin": lin,
        "hart": hart,
        "opening": opening,
        "panel": panel,
    }
