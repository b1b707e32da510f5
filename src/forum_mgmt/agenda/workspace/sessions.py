"""Sessions in the workspace: the form with its clash preview, and the agenda builder grid."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import InvalidForm, field_error
from forum_mgmt.core.i18n import N_, _
from forum_mgmt.core.ids import parse_id
from forum_mgmt.core.templating import pick
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.registration import services as registration_services

ORGANIZER = {"role": Role.ORGANIZER}


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
    opt = ORGANIZER

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
        values = {
            "room_id": parse_id(room),
            "day": day or forum.starts_on.isoformat(),
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
        return await _session_page(forum, None, values, {}, [])

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


async def _submit(forum, session_id, form, struct, write) -> Template | Redirect:
    """Save a session form; a refusal shows the form again, with what was typed."""
    try:
        await write(msgspec.convert(session_form(form, forum), struct, strict=False))
    except msgspec.ValidationError as err:
        errors, clashes, status = field_error(err), [], 422
    except AgendaClash as clash:
        errors, clashes, status = {"form": clash.message}, clash.clashes, 409
    except DomainError as err:
        if err.status_code == 404:
            raise
        errors, clashes, status = err.fields or {"form": err.message}, [], 422
    else:
        day = form.get("day")
        return Redirect(f"/manage/forums/{forum.slug}/agenda?day={day}", status_code=303)
    return await _session_page(forum, session_id, form, errors, clashes, status)


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


async def _grid_page(request, forum, day, clashes, move, status=200, error=None) -> Template:
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
            "section": "agenda",
        },
        status_code=status,
    )
