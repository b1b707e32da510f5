"""Registration's HTTP face: the public API and form, the ticket page, the organizer's list."""

from forum_mgmt.registration.routes.api import RegistrationAdminAPI, RegistrationAPI, TicketAPI
from forum_mgmt.registration.routes.manage import RegistrationManagePages
from forum_mgmt.registration.routes.pages import RegisterPages, TicketPages

__all__ = [
    "RegisterPages",
    "RegistrationAPI",
    "RegistrationAdminAPI",
    "RegistrationManagePages",
    "TicketAPI",
    "TicketPages",
]
