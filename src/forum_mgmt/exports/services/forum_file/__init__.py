"""A whole forum as one JSON file, and back: for moving a forum between installations.

The file holds no database ids (see exports/schemas.py), so exporting, importing into
another database and exporting again gives the same bytes. Rooms, speakers and sessions
keep their uids, so calendars and schedule tools see the same items after a move. The
registration set-up (categories, extra questions) travels with the forum; registrations,
tickets, check-ins and the forum's ticket-signing key do not (personal data and secrets).
An import is all or nothing: it runs in one transaction through the same services the API
uses.
"""

from forum_mgmt.exports.services.forum_file.read import InvalidForumFile, import_forum
from forum_mgmt.exports.services.forum_file.write import export_forum

__all__ = ["InvalidForumFile", "export_forum", "import_forum"]
