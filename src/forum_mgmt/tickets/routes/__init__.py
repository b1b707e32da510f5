"""Tickets over HTTP: the attendee's private link, and the organizers' and scanners' calls."""

from forum_mgmt.tickets.routes.attendee import TicketFiles, TicketPages
from forum_mgmt.tickets.routes.organizer import CheckinKeyAPI, ReissueAPI, TicketWorkspace

__all__ = ["CheckinKeyAPI", "ReissueAPI", "TicketFiles", "TicketPages", "TicketWorkspace"]
