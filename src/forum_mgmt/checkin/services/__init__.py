"""Check-in: judge a scan and let a person in once per list; offline data; live figures."""

from forum_mgmt.checkin.services.reading import audience_today, checkin_data, search, stats
from forum_mgmt.checkin.services.scan import Decision, check_in, sync, undo, window
from forum_mgmt.checkin.services.trail import ACTIONS, access_trail, checkins_of

__all__ = [
    "ACTIONS",
    "Decision",
    "access_trail",
    "audience_today",
    "check_in",
    "checkin_data",
    "checkins_of",
    "search",
    "stats",
    "sync",
    "undo",
    "window",
]
