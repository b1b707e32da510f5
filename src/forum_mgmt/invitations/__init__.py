"""Guests let in by the organizer: personal invitations and group codes."""
