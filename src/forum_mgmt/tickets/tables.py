from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Registration


class ForumKey(Table, tablename="forum_key"):
    """A forum's Ed25519 key pair: it signs ticket codes; scanners get the public half."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(
        references=Forum, on_delete=OnDelete.cascade, null=False, unique=True, index=True
    )
    public_key = Varchar(length=64, help_text="Raw 32-byte Ed25519 public key, base64url")
    private_key = Text(
        help_text="Raw private key sealed with AES-GCM under a key derived from SECRET_KEY"
    )
    created_at = Timestamptz()


class Ticket(Table):
    """The ticket of a confirmed registration. Its code carries the registration id and
    this serial; a reissue bumps the serial, so every older code reads `revoked`."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    registration = ForeignKey(
        references=Registration, on_delete=OnDelete.cascade, null=False, unique=True, index=True
    )
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    serial = Integer(default=1)
    issued_at = Timestamptz()
