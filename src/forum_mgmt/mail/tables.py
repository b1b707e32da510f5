import enum

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Outbox(Table):
    """A message to send, written in the same transaction as the change it reports."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    to = Varchar(length=320)
    # Which forum (tenant) the message is about, for that forum's mail log. A plain id, not a
    # ForeignKey: mail sits left of forums in the import order (STYLE.md) and may not name it.
    forum_id = Integer(
        null=True, default=None, index=True, help_text="The forum the message is about, if any"
    )
    template = Varchar(length=80, help_text="templates/mail/<template>.txt and .html")
    language = Varchar(length=8, default="en")
    context = JSON(default="{}", help_text="What the template needs, as plain JSON")
    status = Varchar(length=16, default=MailStatus.QUEUED, choices=MailStatus, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    ephemeral = Boolean(
        default=False,
        help_text="Its address and body are blanked once it is sent (or given up): the last "
        "mail to a person who erased their data",
    )
