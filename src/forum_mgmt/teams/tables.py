from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Serial
from piccolo.table import Table

from forum_mgmt.forums.tables import Forum, Organisation, Role


class TeamInvitation(Table, tablename="team_invitation"):
    """An invitation by e-mail to a role on a forum or in an organisation (one of the two).
    Only the SHA-256 of its link's token is kept; it works once, until `expires_at`."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=True, index=True)
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.cascade, null=True, index=True
    )
    email = Varchar(length=254)
    role = Varchar(length=16, default=Role.STAFF, choices=Role)
    language = Varchar(length=8, default="en", help_text="The mail's language")
    digest = Varchar(length=64, unique=True, help_text="sha256 of the link's token, hex")
    invited_by = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    accepted_by = ForeignKey(references=BaseUser, on_delete=OnDelete.set_null, null=True)
    revoked_at = Timestamptz(null=True, default=None)


class TeamEvent(Table, tablename="team_event"):
    """One change to a team: who did it (null: the command line), to whom, when. Plain ids,
    not foreign keys, so the trail outlives the accounts it names."""

    id: Serial  # added by Piccolo's metaclass; declared for the type checker
    forum = ForeignKey(references=Forum, on_delete=OnDelete.cascade, null=True, index=True)
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.cascade, null=True, index=True
    )
    action = Varchar(length=24, help_text="A code of teams.services.trail.ACTIONS")
    by_user_id = Integer(null=True, default=None, help_text="Who acted; null: the command line")
    user_id = Integer(null=True, default=None, help_text="Whose role changed, if an account")
    invitation_id = Integer(null=True, default=None, help_text="The invitation concerned")
    role = Varchar(length=16, default="", help_text="The role given or taken")
    at = Timestamptz(index=True)
