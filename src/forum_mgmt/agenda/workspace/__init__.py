"""The organizer's workspace for the agenda: rooms, tracks, speakers, sessions, the grid,
and the spreadsheet import.

Mounted under /manage by app.py (signed in); every page needs the organizer role on the
forum of its path. Plain forms work without JavaScript; with it, htmx swaps the grid.
"""

from forum_mgmt.agenda.workspace.grid import GridPages
from forum_mgmt.agenda.workspace.items import ItemPages
from forum_mgmt.agenda.workspace.sessions import SessionPages
from forum_mgmt.agenda.workspace.spreadsheets import ImportPages

__all__ = ["GridPages", "ImportPages", "ItemPages", "SessionPages"]
