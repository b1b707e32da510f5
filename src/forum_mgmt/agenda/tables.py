import enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.forums.tables import Forum

# Not derived from the row's id or the site's address: an exported forum imported elsewhere,
# or a site moved to a new BASE_URL, publishes the same names, so subscribed calendars and
# schedule tools see the same events, rooms and people rather than new ones.
UID_HELP = "Its UUID in calendar feeds and schedule files, kept for life and by exports"


class SessionKind(enum.StrEnum):
    OPENING = "opening"
    KEYNOTE = "keynote"
    PANEL = "panel"
    TALK = "talk"
    WORKSHOP = "workshop"
    BREAK = "break"


class SpeakerRole(enum.StrEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PANELIST = "panelist"


class Room(Table):
    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=120)
    name_local = Varchar(length=120, default="")
    capacity = Integer(default=0, help_text="Seats; 0 means unknown")
    position = Integer(default=0, help_text="Column order on the agenda grid")
    uid = UUID(unique=True, help_text=UID_HELP)


class Track(Table):
    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=120)
    name_local = Varchar(length=120, default="")
    color = Varchar(length=7, default="#1f6feb", help_text="#rrggbb")


class Speaker(Table):
    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=200)
    name_local = Varchar(length=200, default="", help_text="The name in a second script")
    title = Varchar(length=300, default="")
    title_local = Varchar(length=300, default="")
    organization = Varchar(length=300, default="")
    organization_local = Varchar(length=300, default="")
    bio = Text(default="")
    bio_local = Text(default="")
    photo_url = Varchar(length=500, default="")
    is_sample = Boolean(default=False, help_text="An invented person in demo data")
    email = Varchar(
        length=254, default="", help_text="For agenda change notices; never shown or exported"
    )
    uid = UUID(unique=True, help_text=UID_HELP)


class AgendaSession(Table, tablename="agenda_session"):
    """A slot on the agenda. Named so to keep it apart from the HTTP session."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=300)
    title_local = Varchar(length=300, default="")
    abstract = Text(default="")
    abstract_local = Text(default="")
    kind = Varchar(length=16, default=SessionKind.TALK, choices=SessionKind)
    language = Varchar(length=16, default="en", help_text="en, zh-TW, or en+zh-TW")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    # NO ACTION (checked at the end of the statement) refuses deleting a room in use, yet
    # lets a forum's deletion cascade through its rooms and sessions together.
    room = ForeignKey(references=Room, on_delete=OnDelete.no_action, null=True, index=True)
    track = ForeignKey(references=Track, on_delete=OnDelete.set_null, null=True, index=True)
    capacity = Integer(null=True, default=None, help_text="null: the room's capacity")
    sequence = Integer(default=0, help_text="Bumped on every change, for calendar feeds")
    updated_at = Timestamptz()
    cancelled_at = Timestamptz(
        null=True, default=None, help_text="Removed from the agenda; kept for calendar feeds"
    )
    uid = UUID(unique=True, help_text=UID_HELP)


class SessionSpeaker(Table, tablename="session_speaker"):
    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    session = ForeignKey(
        references=AgendaSession, on_delete=OnDelete.cascade, null=False, index=True
    )
    # A speaker leaves the sessions they were on with them; the workspace asks first.
    speaker = ForeignKey(references=Speaker, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=16, default=SpeakerRole.SPEAKER, choices=SpeakerRole)
    position = Integer(default=0)


class AgendaChange(Table, tablename="agenda_change"):
    """What changed on the agenda, when and by whom: the organizers' audit trail."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    session = ForeignKey(references=AgendaSession, on_delete=OnDelete.cascade, null=True)
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)
    action = Varchar(length=16, help_text="added, changed or removed")
    details = JSON(default=[], help_text="[field, before, after] for each changed field")
    published = Boolean(default=False, help_text="The forum was public when it changed")
    created_at = Timestamptz(index=True)
