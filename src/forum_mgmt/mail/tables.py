import enum

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Outbox(Table):
    """A message to send, written in the same transaction as the change it reports."""

    to = Varchar(length=320)
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
