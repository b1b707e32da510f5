from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core.db import add_check, add_unique

ID = "2026-11-25T15:41:56:951213"
VERSION = "1.38.0"
DESCRIPTION = "Constraints the tables cannot declare portably"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agenda", description=DESCRIPTION)

    async def constraints():
        await add_check(
            "agenda_session", "session_ends_after_start", "{row}ends_at > {row}starts_at"
        )
        await add_check(
            "agenda_session",
            "session_kind_known",
            "{row}kind IN ('opening', 'keynote', 'panel', 'talk', 'workshop', 'break')",
        )
        await add_check("agenda_session", "session_capacity_positive", "{row}capacity >= 0")
        await add_check("room", "room_capacity_positive", "{row}capacity >= 0")
        await add_check(
            "session_speaker",
            "session_speaker_role_known",
            "{row}role IN ('speaker', 'moderator', 'panelist')",
        )
        await add_unique("room", "room_forum_name", "forum", "name")
        await add_unique("track", "track_forum_name", "forum", "name")
        await add_unique("session_speaker", "session_speaker_once", "session", "speaker")

    manager.add_raw(constraints)

    return manager
