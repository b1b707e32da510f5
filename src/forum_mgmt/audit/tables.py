from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.forums.tables import Forum


class AccessEntry(Table, tablename="access_entry"):
    """One organizer's or staff member's action on personal data. It holds no personal value
    (no name, address or search term), only ids, so it outlives the anonymisation of the
    people it counts. Check-ins are not copied here: their own rows say who scanned."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=False, index=True)
    # Plain ids, not foreign keys: the trail keeps who acted after an account or token goes.
    user_id = Integer(null=True, default=None, help_text="The account; null: the command line")
    token_id = Integer(null=True, default=None, help_text="The API token used, if any")
    action = Varchar(length=40, help_text="A code of audit.services.ACTIONS")
    # not `count`: that name is Piccolo's query method on every table
    people = Integer(default=0, help_text="How many people the action touched")
    ids = JSON(default="[]", help_text="The registration ids touched")
    detail = Varchar(
        length=16, default="", help_text="'searched' for a list that was a search; never its words"
    )
    at = Timestamptz(index=True)
