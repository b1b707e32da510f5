"""PostgreSQL only: every change of what the public agenda reads NOTIFYs its forum's id on
`forum_mgmt_agenda`, delivered on commit to the workers listening (core/changes.py).
SQLite has no NOTIFY: its workers poll (the same module); nothing to do there."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from forum_mgmt.core import db

ID = "2026-12-06T22:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY forum_mgmt_agenda on each change of a forum's public agenda"

TABLES = ("forum", "room", "track", "speaker", "agenda_session", "session_speaker")

FUNCTION = """
CREATE OR REPLACE FUNCTION forum_mgmt_agenda_notify() RETURNS trigger AS $$
DECLARE
    changed record;
    forum_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_TABLE_NAME = 'forum' THEN
        forum_id := changed.id;
    ELSIF TG_TABLE_NAME = 'session_speaker' THEN
        -- gone already when the session's own deletion cascades: that one notified
        SELECT forum INTO forum_id FROM agenda_session WHERE id = changed.session;
    ELSE
        forum_id := changed.forum;
    END IF;
    IF forum_id IS NOT NULL THEN
        PERFORM pg_notify('forum_mgmt_agenda', forum_id::text);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agenda", description=DESCRIPTION)

    async def triggers():
        if not db.is_postgres():
            return
        await db.engine().run_ddl(FUNCTION)
        for table in TABLES:
            await db.engine().run_ddl(
                f'CREATE TRIGGER "{table}_agenda_notify" AFTER INSERT OR UPDATE OR DELETE '
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION forum_mgmt_agenda_notify()'
            )

    async def drop():
        if not db.is_postgres():
            return
        for table in TABLES:
            await db.engine().run_ddl(
                f'DROP TRIGGER IF EXISTS "{table}_agenda_notify" ON "{table}"'
            )
        await db.engine().run_ddl("DROP FUNCTION IF EXISTS forum_mgmt_agenda_notify()")

    manager.add_raw(triggers)
    manager.add_raw_backwards(drop)

    return manager
