"""The session pages of the workspace: the list, the form with its clash preview, the change log.

The grid (grid.py) saves its quick form through the same service and shows the same
clashes; without JavaScript its "+" is a link to the full form here, filled in with the slot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import SessionIn, SessionPatch
from forum_mgmt.agenda.workspace.session_form import (
    PREVIEWED,
    form_multi,
    save_form,
    session_form,
    session_page,
    session_values,
    slot_values,
)
from forum_mgmt.core.forms import InvalidForm
from forum_mgmt.core.ids import parse_id
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration_services


class SessionPages(Controller):
    path = "/forums/{slug:str}"

    @get("/sessions")
    async def listing(
        self, request: Request, slug: FromPath[str], sort: FromQuery[str | None] = None
    ) -> Template:
        """Every session with its expected audience against its seats; `?sort=pressure`
        puts the fullest rooms first."""
        forum = forum_of(request)
        agenda = await services.load_agenda(forum)
        audience = await registration_services.expected_audience(forum)
        views = agenda.sessions
        if sort == "pressure":
            views = sorted(
                views,
                key=lambda v: -(audience[v.id].pressure if v.id in audience else -1.0),
            )
        return Template(
            "manage/sessions.html",
            context={
                "forum": forum,
                "views": views,
                "audience": audience,
                "sort": sort,
                "section": "sessions",
            },
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
        return await session_page(forum, None, slot_values(forum, room, day, start), {}, [])

    @post("/sessions/new", status_code=HTTP_200_OK)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)

        async def write(data: SessionIn) -> None:
            await services.add_session(forum, data, by=request.user)

        return await _submit(forum, None, await form_multi(request), SessionIn, write)

    @get("/sessions/{session_id:int}")
    async def edit(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template:
        forum = forum_of(request)
        view = await services.get_session(forum, session_id)
        return await session_page(forum, session_id, session_values(view, forum.timezone), {}, [])

    @post("/sessions/{session_id:int}", status_code=HTTP_200_OK)
    async def save(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template | Redirect:
        forum = forum_of(request)

        async def write(data: SessionPatch) -> None:
            await services.update_session(forum, session_id, data, by=request.user)

        return await _submit(forum, session_id, await form_multi(request), SessionPatch, write)

    @post("/sessions/{session_id:int}/delete")
    async def remove(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Redirect:
        await services.remove_session(forum_of(request), session_id, by=request.user)
        return Redirect(f"/manage/forums/{slug}/sessions", status_code=303)

    @post("/sessions/{session_id:int}/restore")
    async def restore(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Redirect:
        """Put a removed session back on the agenda (from the change log)."""
        await services.restore_session(forum_of(request), session_id, by=request.user)
        return Redirect(f"/manage/forums/{slug}/changes", status_code=303)

    @post("/sessions/check", status_code=HTTP_200_OK)
    async def check(self, request: Request, slug: FromPath[str]) -> Template:
        """The clashes a session form would cause, shown while the organizer types (htmx)."""
        forum = forum_of(request)
        form = await form_multi(request)
        existing = parse_id(form.get("session_id"))
        try:
            typed = session_form(form, forum)
            data = msgspec.convert(
                {k: typed[k] for k in PREVIEWED if k in typed}, SessionPatch, strict=False
            )
        except (InvalidForm, msgspec.ValidationError):
            clashes = []  # a time or number still being typed: saving names the field
        else:
            clashes = await services.preview_session(forum, data, session_id=existing)
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


async def _submit(
    forum: Forum,
    session_id: int | None,
    form: dict[str, Any],
    struct: type[SessionIn] | type[SessionPatch],
    write: Callable[[Any], Awaitable[None]],
) -> Template | Redirect:
    """Save a session form; a refusal shows the form again, with what was typed."""
    refused = await save_form(forum, form, struct, write)
    if refused is None:
        day = form.get("day")
        return Redirect(f"/manage/forums/{forum.slug}/agenda?day={day}", status_code=303)
    errors, clashes, status = refused
    return await session_page(forum, session_id, form, errors, clashes, status)
