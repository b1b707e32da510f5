"""Sessions in the workspace: the form with its clash preview, and the agenda builder grid.

The grid's quick form (a free slot's "+", through htmx) and the full session form save
through the same service and show the same clashes; without JavaScript "+" is a link to
the full form, filled in with the slot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import builder, services
from forum_mgmt.agenda.schemas import (
    SessionIn,
    SessionPatch,
)
from forum_mgmt.agenda.services import AgendaClash
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import InvalidForm, field_error
from forum_mgmt.core.i18n import N_, _
from forum_mgmt.core.ids import parse_id
from forum_mgmt.core.templating import pick
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration_services

# Sessions ----------------------------------------------------------------------------

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
    data["allow_conflicts"] = form.get("allow_conflicts") in ("on", "true", "1")
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


async def _form_multi(request: Request) -> dict[str, Any]:
    form = await request.form()
    data: dict[str, Any] = dict(form)
    data["speaker_ids"] = form.getall("speaker_ids") if "speaker_ids" in form else []
    return data


class SessionPages(Controller):
    path = "/forums/{slug:str}"

    @get("/sessions")
    async def listing(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        agenda = await services.load_agenda(forum)
        return Template(
            "manage/sessions.html",
            context={"forum": forum, "agenda": agenda, "section": "sessions"},
        )

    @get("/sessions/new")
    async def new(
        self,
        request: Request,
        slug: FromPath[str],
        room: FromQuery[str | None] = None,
        day: FromQuery[str | None] = None,
        start: FromQuery[str | None] = None,
    ) -> Template:
        """The empty form; the grid's free slot fills in room, day and start (a wrong one
        is left out)."""
        forum = forum_of(request)
        return await _session_page(forum, None, _slot_values(forum, room, day, start), {}, [])

    @post("/sessions/new", status_code=HTTP_200_OK)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)

        async def write(data: SessionIn) -> None:
            await services.add_session(forum, data, by=request.user)

        return await _submit(forum, None, await _form_multi(request), SessionIn, write)

    @get("/sessions/{session_id:int}")
    async def edit(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template:
        forum = forum_of(request)
        view = await services.get_session(forum, session_id)
        return await _session_page(forum, session_id, session_values(view, forum.timezone), {}, [])

    @post("/sessions/{session_id:int}", status_code=HTTP_200_OK)
    async def save(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template | Redirect:
        forum = forum_of(request)

        async def write(data: SessionPatch) -> None:
            await services.update_session(
                forum,
                session_id,
                data,
                by=request.user,
                booked=await registration_services.bookings_of(forum, session_id),
            )

        return await _submit(forum, session_id, await _form_multi(request), SessionPatch, write)

    @post("/sessions/{session_id:int}/delete")
    async def remove(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Redirect:
        await services.remove_session(forum_of(request), session_id, by=request.user)
        return Redirect(f"/manage/forums/{slug}/sessions", status_code=303)

    @post("/sessions/check", status_code=HTTP_200_OK)
    async def check(self, request: Request, slug: FromPath[str]) -> Template:
        """The clashes a session form would cause, shown while the organizer types (htmx)."""
        forum = forum_of(request)
        form = await _form_multi(request)
        existing = parse_id(form.get("session_id"))
        try:
            typed = session_form(form, forum)
            data = msgspec.convert(
                {k: typed[k] for k in PREVIEWED if k in typed}, SessionPatch, strict=False
            )
        except (InvalidForm, msgspec.ValidationError):
            clashes = []  # a time or number still being typed: saving names the field
        else:
            booked = await registration_services.bookings_of(forum, existing) if existing else 0
            clashes = await services.preview_session(
                forum, data, session_id=existing, booked=booked
            )
        return Template("manage/_clashes.html", context={"clashes": clashes})

    @get("/changes")
    async def changes(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        changes = await services.list_changes(forum)
        return Template(
            "manage/changes.html",
            context={"forum": forum, "changes": changes, "section": "changes"},
        )

    @get("/tracks.css", media_type="text/css")
    async def tracks_css(self, request: Request, slug: FromPath[str]) -> Response[str]:
        css = services.track_stylesheet(await services.list_tracks(forum_of(request)))
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=60"})

    # The grid ------------------------------------------------------------------------

    @get("/agenda")
    async def grid(
        self, request: Request, slug: FromPath[str], day: FromQuery[str | None] = None
    ) -> Template:
        forum = forum_of(request)
        return await _grid_page(request, forum, day, [], None)

    @get("/agenda/quick")
    async def quick(
        self,
        request: Request,
        slug: FromPath[str],
        room: FromQuery[str | None] = None,
        day: FromQuery[str | None] = None,
        start: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        """The grid's short form for a free slot (an htmx fragment); else the full form."""
        forum = forum_of(request)
        if not request.headers.get("hx-request"):
            slot = (("room", room), ("day", day), ("start", start))
            query = urlencode([(k, v) for k, v in slot if v is not None], safe=":")
            return Redirect(f"/manage/forums/{slug}/sessions/new?{query}", status_code=303)
        return await _quick_form(forum, _slot_values(forum, room, day, start), {}, [])

    @post("/agenda/quick", status_code=HTTP_200_OK)
    async def quick_create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Save the quick form: the grid comes back with the session, or the form with what
        to fix (the clashes, and the box that accepts them)."""
        forum = forum_of(request)
        form = await _form_multi(request)
        added: list[AgendaSession] = []

        async def write(data: SessionIn) -> None:
            added.append(await services.add_session(forum, data, by=request.user))

        refused = await _save(forum, form, SessionIn, write)
        htmx = bool(request.headers.get("hx-request"))
        if refused is None:
            day = str(form.get("day") or "")
            if not htmx:
                return Redirect(f"/manage/forums/{slug}/agenda?day={day}", status_code=303)
            return await _grid_page(
                request,
                forum,
                day,
                [],
                None,
                notice=_("Added “%(title)s”.") % {"title": added[0].title},
                fresh=added[0].id,
                headers={"HX-Retarget": "#grid", "HX-Reswap": "outerHTML"},
            )
        errors, clashes, status = refused
        if htmx:
            return await _quick_form(forum, form, errors, clashes, status)
        return await _session_page(forum, None, form, errors, clashes, status)

    @post("/agenda/move", status_code=HTTP_200_OK)
    async def move(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Move a session to a room and a start time, keeping its length."""
        forum = forum_of(request)
        form = dict(await request.form())
        day = str(form.get("day") or "")
        try:
            session_id, room = parse_id(form.get("session_id")), form.get("room_id")
            if session_id is None or (room and parse_id(room) is None):
                raise ValueError(session_id)
            view = await services.get_session(forum, session_id)
            start = time.parse_local(f"{day}T{form.get('start')}", forum.timezone)
            length = view.session.ends_at - view.session.starts_at
            await services.update_session(
                forum,
                session_id,
                SessionPatch(
                    starts_at=start,
                    ends_at=start + length,
                    room_id=parse_id(room),
                    allow_conflicts=form.get("allow_conflicts") in ("on", "true", "1"),
                ),
                by=request.user,
                booked=await registration_services.bookings_of(forum, session_id),
            )
        except AgendaClash as clash:
            return await _grid_page(request, forum, day, clash.clashes, form, 409)
        except (KeyError, ValueError, DomainError) as err:
            if isinstance(err, DomainError) and err.status_code == 404:
                raise
            message = (
                err.message
                if isinstance(err, DomainError)
                else _("Choose a session, a room and a start time such as 09:30.")
            )
            return await _grid_page(request, forum, day, [], form, 422, message)
        if request.headers.get("hx-request"):
            return await _grid_page(request, forum, day, [], None)
        return Redirect(f"/manage/forums/{slug}/agenda?day={day}", status_code=303)


def _slot_values(forum: Forum, room: str | None, day: str | None, start: str | None) -> dict:
    """A new session's form filled in with a free slot of the grid; a wrong value is left
    out (the first day, 09:00)."""
    days = builder.forum_days(forum.starts_on, forum.ends_on)
    try:
        chosen = dt.date.fromisoformat(day or "")
    except ValueError:
        chosen = days[0]
    values = {
        "room_id": parse_id(room),
        "day": (chosen if chosen in days else days[0]).isoformat(),
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


async def _save(forum, form, struct, write) -> tuple[dict, list, int] | None:
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


async def _submit(forum, session_id, form, struct, write) -> Template | Redirect:
    """Save a session form; a refusal shows the form again, with what was typed."""
    refused = await _save(forum, form, struct, write)
    if refused is None:
        day = form.get("day")
        return Redirect(f"/manage/forums/{forum.slug}/agenda?day={day}", status_code=303)
    errors, clashes, status = refused
    return await _session_page(forum, session_id, form, errors, clashes, status)


async def _quick_form(forum, values, errors, clashes, status=200) -> Template:
    agenda = await services.load_agenda(forum)
    try:
        day_label = time.fmt_date(dt.date.fromisoformat(str(values.get("day"))), "full")
    except ValueError:
        day_label = ""
    return Template(
        "manage/_quick.html",
        context={
            "forum": forum,
            "values": values,
            "errors": errors,
            "clashes": clashes,
            "day_label": day_label,
            "room_options": [(r.id, pick(r.name, r.name_local)) for r in agenda.rooms],
            "speakers": await services.list_speakers(forum),
        },
        status_code=status,
    )


async def _session_page(forum, session_id, values, errors, clashes, status=200) -> Template:
    agenda = await services.load_agenda(forum)
    speakers = await services.list_speakers(forum)
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
            "room_options": [(r.id, pick(r.name, r.name_local)) for r in agenda.rooms],
            "track_options": [(t.id, pick(t.name, t.name_local)) for t in agenda.tracks],
            "section": "sessions",
        },
        status_code=status,
    )


async def _grid_page(
    request,
    forum,
    day,
    clashes,
    move,
    status=200,
    error=None,
    *,
    notice=None,
    fresh=None,
    headers=None,
) -> Template:
    days = builder.forum_days(forum.starts_on, forum.ends_on)
    try:
        chosen = dt.date.fromisoformat(day) if day else days[0]
    except ValueError:
        chosen = days[0]
    if chosen not in days:
        chosen = days[0]
    agenda = await services.load_agenda(forum)
    grid = builder.build(agenda, chosen, forum.timezone)
    template = "manage/_grid.html" if request.headers.get("hx-request") else "manage/agenda.html"
    return Template(
        template,
        context={
            "forum": forum,
            "grid": grid,
            "days": days,
            "clashes": clashes,
            "move": move,
            "error": error,
            "notice": notice,
            "fresh": fresh,
            "section": "agenda",
        },
        status_code=status,
        headers=headers,
    )
