"""Check-in: judge a scan and let a person in once per list; offline data; live figures."""

from forum_mgmt.checkin.services.reading import checkin_data, search, stats
from forum_mgmt.checkin.services.scan import Decision, check_in, sync, undo, window

__all__ = ["Decision", "check_in", "checkin_data", "search", "stats", "sync", "undo", "window"]
