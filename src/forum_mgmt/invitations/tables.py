from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Category, Registration


class Invitation(Table):
    """One guest invited by name and e-mail into a category; the link works once."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    category = ForeignKey(references=Category, on_delete=OnDelete.cascade, null=False)
    name = Varchar(length=200)
    email = Varchar(length=254, help_text="Lower-cased; one invitation per address and forum")
    language = Varchar(length=8, default="en", help_text="The guest's, for the mail and form")
    skip_approval = Boolean(default=False, help_text="Confirmed without the organizer's approval")
    skip_quota = Boolean(default=False, help_text="Confirmed even when the seats are taken")
    token_hash = Varchar(
        length=64, unique=True, help_text="SHA-256 of the link's secret; the secret is not kept"
    )
    outbox_id = Integer(
        null=True, default=None, help_text="The last invitation mail (bounced: it was given up)"
    )
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.set_null, null=True, default=None
    )
    created_at = Timestamptz()
    sent_at = Timestamptz(help_text="When the last mail was queued")
    opened_at = Timestamptz(null=True, default=None)
    registered_at = Timestamptz(null=True, default=None)
    declined_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class GroupCode(Table):
    """One code for a delegation: at most `max_uses` sign-ups, each placed in the category."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    category = ForeignKey(references=Category, on_delete=OnDelete.cascade, null=False)
    code = Varchar(length=32, help_text="What the delegation types or follows; unique per forum")
    label = Varchar(length=200, default="", help_text="Whom it is for: the delegation's name")
    max_uses = Integer(default=1)
    uses = Integer(default=0, help_text="Taken by one conditional UPDATE (uses < max_uses)")
    skip_approval = Boolean(default=False)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
