from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.accounts.tables import ApiToken
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Registration


class Checkin(Table):
    """One person let in on one check-in list: the forum's entrance (no session) or a
    workshop's door. At most one not-undone row per (registration, list): a partial unique
    index on (registration, COALESCE(session, 0)) WHERE undone_at IS NULL."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=False, index=True
    )
    session = ForeignKey(
        references=AgendaSession,
        on_delete=OnDelete.restrict,
        null=True,
        index=True,
        help_text="null: the forum's entrance",
    )
    gate = Varchar(length=64, default="")
    nonce = Varchar(length=64, null=True, default=None, help_text="Unique per forum: retries")
    manual = Boolean(default=False, help_text="Found by name, not scanned")
    by = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)
    scanned_at = Timestamptz(help_text="When the scanner saw it (offline scans sync later)")
    created_at = Timestamptz()
    undone_at = Timestamptz(null=True, default=None)
    undone_by = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)


class DeviceCode(Table, tablename="device_code"):
    """A one-time code in a device link: it signs one browser in as a scanner of `forum`
    with `token`, within minutes. Only its SHA-256 digest is kept; the token never appears
    in the link."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    token = ForeignKey(references=ApiToken, on_delete=OnDelete.cascade, null=False, index=True)
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    digest = Varchar(length=64, unique=True, index=True, help_text="sha256 of the code, hex")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
