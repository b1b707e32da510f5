import enum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.forums.tables import Forum


class Status(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    # Signed up on a forum that confirms email addresses, link not opened yet: no seat, no
    # ticket, in no figure; gone once `confirm_until` passes.
    UNCONFIRMED = "unconfirmed"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YESNO = "yesno"


class Category(Table):
    """A kind of participant (attendee, speaker, press, VIP, staff) and how they get in."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    code = Varchar(length=32, help_text="Stable, for the API: attendee, speaker, ...")
    name = Varchar(length=120)
    name_local = Varchar(length=120, default="")
    public = Boolean(default=True, help_text="Open to the public; else invitation only")
    approval = Boolean(default=False, help_text="An organizer approves each registration")
    quota = Integer(default=0, help_text="Seats held for this category; 0: the shared seats")
    position = Integer(default=0)


class Question(Table):
    """An extra question of a forum's registration form."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    label = Varchar(length=300)
    label_local = Varchar(length=300, default="")
    kind = Varchar(length=16, default=QuestionKind.TEXT, choices=QuestionKind)
    choices = Text(default="", help_text="For a choice question: one option per line")
    choices_local = Text(
        default="", help_text="The options in the second language, line for line with choices"
    )
    required = Boolean(default=False)
    position = Integer(default=0)


class Registration(Table):
    """One person's registration for one forum (one per email per forum)."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.restrict, null=False, index=True)
    category = ForeignKey(references=Category, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=200)
    name_local = Varchar(length=200, default="")
    email = Varchar(length=254, help_text="Lower-cased; unique per forum")
    organization = Varchar(length=300, default="")
    title = Varchar(length=300, default="")
    country = Varchar(length=2, default="", help_text="ISO 3166 alpha-2")
    dietary = Varchar(length=500, default="")
    accessibility = Varchar(length=500, default="")
    consent = Boolean(default=False)
    consent_version = Integer(
        null=True, default=None, help_text="The privacy notice's version accepted; 0: default"
    )
    consented_at = Timestamptz(null=True, default=None, help_text="When it was accepted")
    answers = JSON(default="{}", help_text="Question id -> answer")
    wanted_sessions = JSON(default="[]", help_text="Workshops to book once confirmed")
    status = Varchar(length=16, default=Status.PENDING, choices=Status, index=True)
    waitlist_order = Integer(null=True, default=None, help_text="Place in line when it joined")
    token = Varchar(length=64, unique=True, help_text="The secret of the private link")
    confirm_code = Varchar(
        length=64,
        null=True,
        default=None,
        help_text="The secret of the email confirmation link; None once used (unique index)",
    )
    confirm_until = Timestamptz(
        null=True, default=None, help_text="An unconfirmed sign-up expires then"
    )
    language = Varchar(length=8, default="en")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    anonymised_at = Timestamptz(
        null=True, default=None, help_text="Personal values removed (privacy/services.py)"
    )


class Booking(Table):
    """A seat in a workshop (a session with its own capacity) for a confirmed registration."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=False, index=True
    )
    session = ForeignKey(
        references=AgendaSession, on_delete=OnDelete.restrict, null=False, index=True
    )
    created_at = Timestamptz()


class Star(Table):
    """A session an attendee marked for their own calendar (bookings are in it anyway)."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=False, index=True
    )
    session = ForeignKey(
        references=AgendaSession, on_delete=OnDelete.cascade, null=False, index=True
    )
    created_at = Timestamptz()


class Counter(Table):
    """Seats taken, one row per pool (forum, category quota, shared seats, workshop).

    A seat is taken by one conditional UPDATE of its row (taken < limit), never by counting.
    """

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    key = Varchar(length=64, unique=True, help_text="forum:ID, category:ID, shared:ID, ...")
    taken = Integer(default=0)
    gone = Integer(
        default=0,
        help_text="waitlist:ID only: people who left the line (its length is taken - gone)",
    )


class DeviceStar(Table, tablename="device_star"):
    """A star kept only in a browser (no ticket on that device), counted once per device for
    a session's expected audience. `device` is a hash of the browser's random id: nothing
    in it names a person, and one person reloading cannot count twice."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    session = ForeignKey(
        references=AgendaSession, on_delete=OnDelete.cascade, null=False, index=True
    )
    device = Varchar(length=64, help_text="sha256 of the browser's random id, hex")
    created_at = Timestamptz()
