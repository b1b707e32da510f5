from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.agenda.tables import AgendaSession, Speaker
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Registration


class PendingNotice(Table, tablename="pending_notice"):
    """A change to a session someone follows that they have not been told yet, with the
    session as they last knew it. One row per person and session (unique indexes); the
    person is a registration (booked or starred it) or a speaker of the session."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=True, index=True
    )
    speaker = ForeignKey(references=Speaker, on_delete=OnDelete.cascade, null=True, index=True)
    session = ForeignKey(references=AgendaSession, on_delete=OnDelete.cascade, null=False)
    was_starts_at = Timestamptz(help_text="The start the person last knew")
    was_ends_at = Timestamptz()
    was_room = Integer(null=True, default=None, help_text="The room's id then (not a key)")
    was_room_name = Varchar(length=120, default="")
    was_room_name_local = Varchar(length=120, default="")
    was_cancelled = Boolean(default=False)
    changed_at = Timestamptz(help_text="The last change to any of the person's sessions")
    due_at = Timestamptz(index=True, help_text="When the person's one mail goes")


class NoticeOptOut(Table, tablename="notice_opt_out"):
    """A person who asked for no more agenda change notices (one row per person)."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=True, index=True
    )
    speaker = ForeignKey(references=Speaker, on_delete=OnDelete.cascade, null=True, index=True)
    created_at = Timestamptz()
