"""Decisions and figures as the API and the dashboard show them: translated messages,
instants in the forum's zone."""

from __future__ import annotations

import datetime as dt

from forum_mgmt.checkin.schemas import (
    CheckinDataOut,
    CheckinOut,
    CountOut,
    ListStatsOut,
    PersonOut,
    PreviousOut,
    SearchHitOut,
    StatsOut,
    WindowOut,
)
from forum_mgmt.checkin.services import Decision
from forum_mgmt.checkin.services.reading import Stats
from forum_mgmt.core import time
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.services import category_label

_MESSAGES = {  # translated when answered, one a scan: _() is looked up in the reader's language
    "ok": lambda: _("Welcome!"),
    "already_checked_in": lambda: _("Already checked in."),
    "unknown": lambda: _("Not a valid ticket."),
    "revoked": lambda: _("This ticket was replaced by a newer one."),
    "cancelled": lambda: _("This registration was cancelled."),
    "not_confirmed": lambda: _("This registration is not confirmed."),
    "wrong_forum": lambda: _("This ticket is for another forum."),
    "not_booked": lambda: _("Not booked for this session."),
    "closed": lambda: _("Check-in is closed."),
}


def iso(instant: dt.datetime, forum: Forum) -> str:
    return time.local(instant, forum.timezone).isoformat()


def _in_reader_language(person: dict) -> dict:
    """The category named in the staff member's language; people's names as entered."""
    person = dict(person)
    person["category_name"] = category_label(
        person["category_name"], person.pop("category_name_local")
    )
    return person


def _person_out(person: dict) -> PersonOut:
    return PersonOut(**{k: v for k, v in _in_reader_language(person).items() if k in _FIELDS})


_FIELDS = PersonOut.__struct_fields__


def checkin_out(d: Decision, forum: Forum) -> CheckinOut:
    message = _MESSAGES[d.result]()
    previous = None
    if d.previous is not None:
        p = d.previous
        previous = PreviousOut(at=iso(p.at, forum), gate=p.gate, by=p.by)
        at = time.fmt_time(p.at, forum.timezone)
        if p.gate:  # no gate named: nothing said of it
            message = _("Already checked in at %(time)s, %(gate)s.") % {"time": at, "gate": p.gate}
        else:
            message = _("Already checked in at %(time)s.") % {"time": at}
    return CheckinOut(
        result=d.result,
        message=message,
        registration=_person_out(d.person) if d.person else None,
        checked_in_at=iso(d.checked_in_at, forum) if d.checked_in_at else None,
        checkin_id=d.checkin_id,
        previous=previous,
    )


def checkin_data_out(data: dict, forum: Forum) -> CheckinDataOut:
    opens, closes = data.pop("window")
    generated = data.pop("generated_at")
    return CheckinDataOut(
        window=WindowOut(iso(opens, forum), iso(closes, forum)),
        generated_at=iso(generated, forum),
        people={k: _in_reader_language(p) for k, p in data.pop("people").items()},
        **data,
    )


def search_out(rows: list[dict]) -> list[SearchHitOut]:
    return [SearchHitOut(**_in_reader_language(row)) for row in rows]


def stats_out(s: Stats, forum: Forum) -> StatsOut:
    return StatsOut(
        checked_in=s.checked_in,
        confirmed=s.confirmed,
        categories=[CountOut(code, name, n, total) for code, name, n, total in s.categories],
        gates=[CountOut(gate, gate or _("no gate"), n) for gate, n in s.gates],
        arrivals=[CountOut(slot.isoformat(), slot.strftime("%H:%M"), n) for slot, n in s.arrivals],
        sessions=[ListStatsOut(*row) for row in s.sessions],
        generated_at=iso(s.generated_at, forum),
    )


def stats_context(s: Stats, forum: Forum) -> dict:
    """The figures for the page: the same as the JSON, with bar heights in percent."""
    out = stats_out(s, forum)
    peak = max((a.checked_in for a in out.arrivals), default=0) or 1
    bars = [(a, round(100 * a.checked_in / peak)) for a in out.arrivals]
    return {"stats": out, "bars": bars}
