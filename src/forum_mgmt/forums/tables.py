import enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class ForumStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Organisation(Table):
    """A tenant of the installation (an NGO, a ministry): it owns forums and their teams."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    slug = Varchar(length=80, unique=True, index=True)
    name = Varchar(length=200)
    name_local = Varchar(length=200, default="")
    created_at = Timestamptz()


class Forum(Table):
    """One event: its public face, its dates in its own zone, and its registration rules."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, null=False, index=True
    )
    slug = Varchar(length=80, unique=True, index=True, help_text="Used in every public URL")
    name = Varchar(length=200)
    name_local = Varchar(length=200, default="", help_text="The name in a second script")
    theme = Text(default="")
    theme_local = Text(default="")
    description = Text(default="")
    description_local = Text(default="")
    venue = Varchar(length=300, default="")
    venue_local = Varchar(length=300, default="")
    timezone = Varchar(length=64, default="Asia/Taipei", help_text="IANA zone name")
    languages = Varchar(
        length=16,
        default="en zh-TW",
        help_text="The content's languages, space-separated: en zh-TW, en or zh-TW",
    )
    starts_on = Date(index=True)
    ends_on = Date()
    status = Varchar(length=16, default=ForumStatus.DRAFT, choices=ForumStatus, index=True)
    capacity = Integer(default=0, help_text="Seats; 0 means no limit")
    waitlist = Boolean(default=True)
    approval = Boolean(default=False)
    signup_limit_per_address = Integer(
        default=20, help_text="Sign-ups per client address per hour; 0 means no limit"
    )
    confirm_email = Boolean(
        default=False, help_text="A sign-up holds no seat until its email address is confirmed"
    )
    registration_opens_at = Timestamptz(null=True, default=None)
    registration_closes_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    retention_days = Integer(
        default=90, help_text="Days after the last day before personal data is anonymised"
    )
    contact_email = Varchar(
        length=254, default="", help_text="Whom attendees ask about their data (privacy notice)"
    )
    audience_share = Integer(
        default=30,
        help_text="Percent of confirmed attendees expected at a session open to everyone",
    )
    notice_delay_minutes = Integer(
        default=15,
        help_text="Agenda change notices go this long after the last change; 0: at once",
    )
    notices_held = Boolean(
        default=False, help_text="The organizer holds agenda change notices (rearranging)"
    )
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Role(enum.StrEnum):
    """What a person may do: an organizer runs a forum, staff check people in."""

    ORGANIZER = "organizer"
    STAFF = "staff"


class Membership(Table):
    """A person in an organisation's team; an organizer there may create its forums."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.cascade, null=False, index=True
    )
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=16, default=Role.ORGANIZER, choices=Role)


class ForumRole(Table, tablename="forum_role"):
    """A person's role on one forum: the source of every workspace and API permission."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=16, default=Role.ORGANIZER, choices=Role)


class PrivacyNotice(Table, tablename="privacy_notice"):
    """One saved version of a forum's privacy notice; the newest is the one shown. Rows are
    never changed: a registration names the version its person accepted."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    version = Integer(help_text="1, 2, ... per forum (0 is the default text, never stored)")
    text = Text()
    text_local = Text(default="")
    created_at = Timestamptz()
    created_by = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)
