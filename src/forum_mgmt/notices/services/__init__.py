"""Agenda change notices: collected in the transaction of the change (`collect`, which the
agenda calls), turned into one outbox mail per person once due (`produce`, which the
outbox runs before each delivery), shown to organizers (`waiting`) and on the ticket page
(`recent_changes`). `install` registers both hooks; every process that edits the agenda or
delivers mail calls it first (app.py, `forum-mgmt mail send`)."""

from forum_mgmt.agenda import services as agenda
from forum_mgmt.mail import services as mail
from forum_mgmt.notices.services.collect import collect
from forum_mgmt.notices.services.deliver import TEMPLATE, describe, opt_out_url, produce, tell, when
from forum_mgmt.notices.services.manage import (
    Waiting,
    forget,
    hold,
    opt_out,
    opted_out,
    person_of_link,
    send_now,
    waiting,
)
from forum_mgmt.notices.services.people import Person, forum_language, signature
from forum_mgmt.notices.services.recent import Recent, recent_changes


def install() -> None:
    """Changes to sessions are collected; due notices go out with the outbox's deliveries."""
    agenda.register_change_watcher(collect)
    mail.register_producer("agenda-notices", produce)


__all__ = [
    "TEMPLATE",
    "Person",
    "Recent",
    "Waiting",
    "collect",
    "describe",
    "forget",
    "forum_language",
    "hold",
    "install",
    "opt_out",
    "opt_out_url",
    "opted_out",
    "person_of_link",
    "produce",
    "recent_changes",
    "send_now",
    "signature",
    "tell",
    "waiting",
    "when",
]
