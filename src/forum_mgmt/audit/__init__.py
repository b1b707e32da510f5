"""The access trail: who read or changed attendees' personal data, when, and how many."""
