"""The agenda of a forum: reading it (constant queries) and editing it (checked writes)."""

from forum_mgmt.agenda.services.changelog import list_changes
from forum_mgmt.agenda.services.clashes import (
    AgendaClash,
    Clash,
    find_clashes,
    register_bookings_count,
)
from forum_mgmt.agenda.services.editing import (
    InvalidAgendaItem,
    InvalidSession,
    get_item,
    get_room,
    get_track,
    list_items,
)
from forum_mgmt.agenda.services.import_plan import ImportPlan, ImportRow
from forum_mgmt.agenda.services.items import (
    add_room,
    add_speaker,
    add_track,
    delete_room,
    delete_speaker,
    delete_track,
    update_room,
    update_speaker,
    update_track,
)
from forum_mgmt.agenda.services.reading import (
    Agenda,
    Day,
    SessionView,
    filter_sessions,
    get_session,
    get_speaker,
    list_speakers,
    list_tracks,
    load_agenda,
    mark_now_and_next,
    track_stylesheet,
)
from forum_mgmt.agenda.services.sessions import (
    add_session,
    preview_session,
    remove_session,
    restore_session,
    update_session,
)
from forum_mgmt.agenda.services.spreadsheet import (
    ImportTooLarge,
    InvalidImport,
    template_csv,
)
from forum_mgmt.agenda.services.spreadsheet_import import Imported, ImportRefused, apply, preview
from forum_mgmt.agenda.services.watchers import (
    ChangeWatcher,
    Snapshot,
    register_change_watcher,
    snapshots,
)

__all__ = [
    "Agenda",
    "AgendaClash",
    "ChangeWatcher",
    "Clash",
    "Day",
    "ImportPlan",
    "ImportRefused",
    "ImportRow",
    "ImportTooLarge",
    "Imported",
    "InvalidAgendaItem",
    "InvalidImport",
    "InvalidSession",
    "SessionView",
    "Snapshot",
    "add_room",
    "add_session",
    "add_speaker",
    "add_track",
    "apply",
    "delete_room",
    "delete_speaker",
    "delete_track",
    "filter_sessions",
    "find_clashes",
    "get_item",
    "get_room",
    "get_session",
    "get_speaker",
    "get_track",
    "list_changes",
    "list_items",
    "list_speakers",
    "list_tracks",
    "load_agenda",
    "mark_now_and_next",
    "preview",
    "preview_session",
    "register_bookings_count",
    "register_change_watcher",
    "remove_session",
    "restore_session",
    "snapshots",
    "template_csv",
    "track_stylesheet",
    "update_room",
    "update_session",
    "update_speaker",
    "update_track",
]
