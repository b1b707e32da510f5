"""The session form, shared by its own page and the grid's quick form: read, saved, shown again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template

from forum_mgmt.agenda import builder, services
from forum_mgmt.agenda.schemas import SessionIn, SessionPatch
from forum_mgmt.agenda.services import AgendaClash, Clash
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import CHECKED, InvalidForm, field_error
from forum_mgmt.core.i18n import N_, _, localized
from forum_mgmt.core.ids import parse_id
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration_services

SESSION_TEXT = (
    "title",
    "title_local",
    "abstract",
    "abstract_local",
    "kind",
    "language",
    "room_id",
    "track_id",
    "capacity",
)


def session_form(form: dict[str, Any], forum: Forum) -> dict[str, Any]:
    """The session form's day + local times, in the forum's zone, as API fields."""
    data: dict[str, Any] = {k: str(form[k]).strip() for k in SESSION_TEXT if k in form}
    for name in ("room_id", "track_id", "capacity"):
        if data.get(name) == "":
            data[name] = None  # "—" chosen, or left blank
    day, start, end = (str(form.get(k) or "").strip() for k in ("day", "start", "end"))
    errors = {}
    for name, clock in (("start", start), ("end", end)):
        try:
            dt.time.fromisoformat(clock)
        except ValueError:
            errors[name] = N_("Give a time such as 09:30.")
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        errors["day"] = N_("Choose a day.")
    if errors:
        raise InvalidForm(
            _("Some fields need attention."), fields={k: _(v) for k, v in errors.items()}
        )
    data["starts_at"] = time.parse_local(f"{day}T{start}", forum.timezone).isoformat()
    data["ends_at"] = time.parse_local(f"{day}T{end}", forum.timezone).isoformat()
    data["speaker_ids"] = [sid for v in form.get("speaker_ids", []) if (sid := parse_id(v))]
    data["allow_conflicts"] = form.get("allow_conflicts") in CHECKED
    return data


# What the live preview checks (the rest of the form is checked when it is saved).
PREVIEWED = ("starts_at", "ends_at", "room_id", "track_id", "capacity", "speaker_ids")


def session_values(view: services.SessionView, tz: str) -> dict[str, Any]:
    s = view.session
    start, end = time.local(s.starts_at, tz), time.local(s.ends_at, tz)
    return {
        **{
            k: getattr(s, k)
            for k in (
                "title",
                "title_local",
                "abstract",
                "abstract_local",
                "kind",
                "language",
                "capacity",
            )
        },
        "room_id": s.room,
        "track_id": s.track,
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "speaker_ids": [sp.id for sp, _role in view.speakers],
    }


async def form_multi(request: Request) -> dict[str, Any]:
    """The posted form, with every chosen speaker (a list, empty when none is chosen)."""
    form = await request.form()
    data: dict[str, Any] = dict(form)
    data["speaker_ids"] = form.getall("speaker_ids") if "speaker_ids" in form else []
    return data


def slot_values(
    forum: Forum, room: str | None, day: str | None, start: str | None
) -> dict[str, Any]:
    """A new session's form filled in with a free slot of the grid; a wrong value is left
    out (the first day, 09:00)."""
    days = builder.forum_days(forum.starts_on, forum.ends_on)
    values = {
        "room_id": parse_id(room),
        "day": builder.chosen_day(days, day).isoformat(),
        "start": "09:00",
        "kind": "talk",
        "language": "en",
    }
    try:
        clock = dt.time.fromisoformat(start or "")
    except ValueError:
        pass
    else:
        end = dt.datetime.combine(forum.starts_on, clock) + dt.timedelta(minutes=45)
        values.update(start=clock.strftime("%H:%M"), end=end.strftime("%H:%M"))
    return values


# The service names the API's fields; the forms type a day and two clock times.
FORM_FIELDS = {"starts_at": "start", "ends_at": "end"}


# What a refused form shows: field errors, clashes, the status.
Refusal = tuple[dict[str, str], list[Clash], int]


async def save_form(
    forum: Forum,
    form: dict[str, Any],
    struct: type[SessionIn] | type[SessionPatch],
    write: Callable[[Any], Awaitable[None]],
) -> Refusal | None:
    """Save a session form through `write`; a refusal is (errors, clashes, status)."""
    try:
        await write(msgspec.convert(session_form(form, forum), struct, strict=False))
    except msgspec.ValidationError as err:
        return field_error(err), [], 422
    except AgendaClash as clash:
        return {"form": clash.message}, clash.clashes, 409
    except DomainError as err:
        if err.status_code == 404:
            raise
        fields = {FORM_FIELDS.get(k, k): v for k, v in (err.fields or {}).items()}
        return fields or {"form": err.message}, [], 422
    return None


async def session_page(
    forum: Forum,
    session_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str],
    clashes: list[Clash],
    status: int = 200,
) -> Template:
    """The full session form, filled in with `values`, with what to fix."""
    agenda = await services.load_agenda(forum)
    speakers = await services.list_speakers(forum)
    audience = None
    if session_id is not None:
        audience = (await registration_services.expected_audience(forum)).get(session_id)
    return Template(
        "manage/session.html",
        context={
            "forum": forum,
            "session_id": session_id,
            "values": values,
            "errors": errors,
            "clashes": clashes,
            "rooms": agenda.rooms,
            "tracks": agenda.tracks,
            "speakers": speakers,
            "day_options": [
                (d.isoformat(), time.fmt_date(d, "medium"))
                for d in builder.forum_days(forum.starts_on, forum.ends_on)
            ],
            "room_options": [(r.id, localized(r)) for r in agenda.rooms],
            "track_options": [(t.id, localized(t)) for t in agenda.tracks],
            "audience": audience,
            "section": "sessions",
        },
        status_code=status,
    )
