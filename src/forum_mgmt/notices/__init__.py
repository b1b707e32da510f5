"""Agenda change notices: the people a session's change touches, told once, batched."""
