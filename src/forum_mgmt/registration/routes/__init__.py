"""Registration's HTTP face: the public API and form, the organizer's list and settings."""

from forum_mgmt.registration.routes.api import RegistrationAdminAPI, RegistrationAPI, TicketAPI
from forum_mgmt.registration.routes.manage import RegistrationManagePages
from forum_mgmt.registration.routes.pages import RegisterPages

__all__ = [
    "RegisterPages",
    "RegistrationAPI",
    "RegistrationAdminAPI",
    "RegistrationManagePages",
    "TicketAPI",
]
