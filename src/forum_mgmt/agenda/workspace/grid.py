"""The agenda builder grid: a day's rooms and times, a free slot's quick form, moving a session."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import builder, services
from forum_mgmt.agenda.schemas import SessionIn, SessionPatch
from forum_mgmt.agenda.services import AgendaClash, Clash
from forum_mgmt.agenda.tables import AgendaSession
from forum_mgmt.agenda.workspace.session_form import (
    form_multi,
    save_form,
    session_page,
    slot_values,
)
from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import CHECKED
from forum_mgmt.core.i18n import _, localized
from forum_mgmt.core.ids import parse_id
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration_services


class GridPages(Controller):
    path = "/forums/{slug:str}"

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
        return await _quick_form(forum, slot_values(forum, room, day, start), {}, [])

    @post("/agenda/quick", status_code=HTTP_200_OK)
    async def quick_create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Save the quick form: the grid comes back with the session, or the form with what
        to fix (the clashes, and the box that accepts them)."""
        forum = forum_of(request)
        form = await form_multi(request)
        added: list[AgendaSession] = []

        async def write(data: SessionIn) -> None:
            added.append(await services.add_session(forum, data, by=request.user))

        refused = await save_form(forum, form, SessionIn, write)
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
        return await session_page(forum, None, form, errors, clashes, status)

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
                    allow_conflicts=form.get("allow_conflicts") in CHECKED,
                ),
                by=request.user,
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
            return await _grid_page(request, forum, day, [], None, moved=session_id)
        return Redirect(f"/manage/forums/{slug}/agenda?day={day}", status_code=303)


async def _quick_form(
    forum: Forum,
    values: dict[str, Any],
    errors: dict[str, str],
    clashes: list[Clash],
    status: int = 200,
) -> Template:
    """The grid's short form for a free slot, with what to fix."""
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
            "room_options": [(r.id, localized(r)) for r in agenda.rooms],
            "speakers": await services.list_speakers(forum),
        },
        status_code=status,
    )


async def _grid_page(
    request: Request,
    forum: Forum,
    day: str | None,
    clashes: list[Clash],
    move: dict[str, Any] | None,
    status: int = 200,
    error: str | None = None,
    *,
    notice: str | None = None,
    fresh: int | None = None,
    moved: int | None = None,
    headers: dict[str, str] | None = None,
) -> Template:
    """The grid of `day` (the first day when it names none of the forum's): the whole page,
    or for htmx the grid alone; `move` is a refused move's form, shown again. Each session
    shows its expected audience against its room, and a larger free room when too small;
    a session just `moved` into a room too small says so."""
    days = builder.forum_days(forum.starts_on, forum.ends_on)
    chosen = builder.chosen_day(days, day)
    agenda = await services.load_agenda(forum)
    grid = builder.build(agenda, chosen, forum.timezone)
    audience = await registration_services.expected_audience(forum)
    swaps = registration_services.room_swaps(agenda, audience)
    if moved is not None and moved in audience and audience[moved].crowded:
        found = audience[moved]
        notice = _("Moved. About %(expected)d people are expected; the room holds %(seats)d.") % {
            "expected": found.expected,
            "seats": found.seats,
        }
        if moved in swaps:
            room = swaps[moved]
            notice += " " + _("%(room)s (%(seats)d seats) is free then: swap rooms?") % {
                "room": localized(room),
                "seats": room.capacity,
            }
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
            "audience": audience,
            "swaps": swaps,
            "section": "agenda",
        },
        status_code=status,
        headers=headers,
    )
