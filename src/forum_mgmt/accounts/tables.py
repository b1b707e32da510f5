from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table


class ApiToken(Table, tablename="api_token"):
    """A bearer token for scripts and scanner devices; only its SHA-256 digest is kept."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    user = ForeignKey(references=BaseUser, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=100)
    digest = Varchar(length=64, unique=True, index=True, help_text="sha256 of the token, hex")
    prefix = Varchar(length=12, help_text="The token's first characters, to recognise it")
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
