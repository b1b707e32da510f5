"""Public agenda, session and speaker pages, and the read API for sessions and speakers."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from markupsafe import Markup

from forum_mgmt.accounts.auth import CSRF_COOKIE_OPT
from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import (
    RoomIn,
    RoomOut,
    RoomPatch,
    SessionIn,
    SessionOut,
    SessionPatch,
    SpeakerIn,
    SpeakerOut,
    SpeakerPatch,
    TrackIn,
    TrackOut,
    TrackPatch,
)
from forum_mgmt.core import i18n, templating, time
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.core.ids import parse_id
from forum_mgmt.exports import services as export_services
from forum_mgmt.forums.guards import PUBLIC, forum_of
from forum_mgmt.forums.services import get_public_forum
from forum_mgmt.registration import services as registration_services
from forum_mgmt.registration.schemas import DeviceStarIn, StarIn, StarsOut


def stylesheet(css: str) -> Response[str]:
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=60"})


TICKET_COOKIE = registration_services.TICKET_COOKIE  # the ticket page sets it
PRIVATE = {"Cache-Control": "private, no-store"}


async def _ticket_star(request: Request, forum, session_id: int) -> dict | None:
    """The star of the ticket remembered on this device, if it is a ticket of this forum."""
    token = request.cookies.get(TICKET_COOKIE, "")
    registration = await registration_services.remembered(forum, token)
    if registration is None:
        return None
    starred = session_id in await registration_services.starred_ids(registration)
    return {"token": token, "starred": starred}


class AgendaPages(Controller):
    path = "/forums/{slug:str}"

    @get("/agenda", name="agenda")
    async def agenda(
        self,
        request: Request,
        slug: FromPath[str],
        room: FromQuery[str | None] = None,
        track: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> Template | Response[bytes]:
        forum = await get_public_forum(slug, viewer=request.user)
        room_id, track_id = parse_id(room), parse_id(track)  # a malformed filter is no filter
        chosen = {"room": room_id, "track": track_id, "language": language or ""}

        async def listing() -> str:
            agenda = await services.load_agenda(forum)
            services.mark_now_and_next(agenda.sessions, time.now(), forum.timezone)
            agenda.sessions = services.filter_sessions(
                agenda.sessions, room=room_id, track=track_id, language=language or None
            )
            return templating.render(
                request,
                "agenda/_listing.html",
                forum=forum,
                agenda=agenda,
                days=agenda.days(forum.timezone),
                chosen=chosen,
            )

        def context(part: str) -> dict:
            return {
                "forum": forum,
                "listing": Markup(part),  # noqa: S704 - our own template's output
                "links": export_services.calendar_links(forum),
            }

        if request.user is not None:
            # The frame names the signed-in person's workspace: only the listing is shared,
            # built once per change of the agenda (and per minute, for "now").
            variant = ("agenda", i18n.current(), room_id, track_id, language or "")
            part = await export_services.page_part(forum, variant, listing, minute=True)
            return Template("agenda/agenda.html", context=context(part))

        async def page() -> str:
            return templating.render(
                request, "agenda/agenda.html", **context(await listing()), request=request
            )

        # Nobody signed in: the whole page is the same for every visitor of this address
        # (the query string is in its language links), so it is built and gzipped once.
        key = ("agenda", i18n.current(), request.url.query)
        rendered = await export_services.public_page(forum, key, page, minute=True)
        return export_services.respond(rendered, request.headers, revalidate=True)

    # The agenda page is shared by every visitor (built once per change): stars.js asks
    # these for the device's own stars, kept on its ticket when it holds one.
    # Its answer is private, and stars.js posts next: the visitor's CSRF cookie comes here.
    @get("/my-stars", name="my-stars", opt={CSRF_COOKIE_OPT: True})
    async def my_stars(self, request: Request, slug: FromPath[str]) -> Response[StarsOut]:
        forum = await get_public_forum(slug, viewer=request.user)
        ids = await registration_services.device_stars(
            forum, request.cookies.get(TICKET_COOKIE, "")
        )
        return Response(StarsOut(ids is not None, ids or []), headers=PRIVATE)

    @post("/my-stars", status_code=HTTP_200_OK)
    async def set_star(
        self, request: Request, slug: FromPath[str], data: JSONBody[StarIn]
    ) -> Response[StarsOut]:
        forum = await get_public_forum(slug, viewer=request.user)
        token = request.cookies.get(TICKET_COOKIE, "")
        ids = await registration_services.set_star(
            forum, token, data.session_id, starred=data.starred
        )
        return Response(StarsOut(True, ids), headers=PRIVATE)

    # A browser-only star, counted once per device in the session's expected audience.
    @post("/device-stars", status_code=HTTP_204_NO_CONTENT)
    async def device_star(
        self, request: Request, slug: FromPath[str], data: JSONBody[DeviceStarIn]
    ) -> Response[None]:
        forum = await get_public_forum(slug, viewer=request.user)
        await registration_services.star_on_device(
            forum, data.session_id, data.device, starred=data.starred
        )
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers=PRIVATE)

    @get("/tracks.css", name="tracks_css", media_type="text/css")
    async def tracks_css(self, request: Request, slug: FromPath[str]) -> Response[str]:
        """Track colours as classes, so that pages carry no inline style."""
        forum = await get_public_forum(slug, viewer=request.user)
        return stylesheet(services.track_stylesheet(await services.list_tracks(forum)))

    # One handler for `/sessions/12` and `/sessions/12.ics`: Litestar routes one parameter
    # per path segment, and an int and a str parameter there would shadow each other.
    @get("/sessions/{ref:str}", name="session")
    async def session(
        self, request: Request, slug: FromPath[str], ref: FromPath[str]
    ) -> Template | Response[bytes]:
        number, dot, extension = ref.partition(".")
        session_id = parse_id(number)
        if session_id is None or (dot and extension != "ics"):
            raise NotFound(_("This session is not on the agenda."))
        forum = await get_public_forum(slug, viewer=request.user)
        if extension == "ics":
            rendered = await export_services.session_calendar(forum, session_id)
            return export_services.respond(rendered, request.headers)
        view = await services.get_session(forum, session_id)
        links = export_services.calendar_links(forum, view)
        star = await _ticket_star(request, forum, view.id)
        return Template(
            "agenda/session.html",
            context={"forum": forum, "view": view, "links": links, "star": star},
        )

    @get("/speakers", name="speakers")
    async def speakers(self, request: Request, slug: FromPath[str]) -> Template:
        forum = await get_public_forum(slug, viewer=request.user)
        speakers = await services.list_speakers(forum)
        return Template("agenda/speakers.html", context={"forum": forum, "speakers": speakers})

    @get("/speakers/{speaker_id:int}", name="speaker")
    async def speaker(
        self, request: Request, slug: FromPath[str], speaker_id: FromPath[int]
    ) -> Template:
        forum = await get_public_forum(slug, viewer=request.user)
        speaker, sessions = await services.get_speaker(forum, speaker_id)
        return Template(
            "agenda/speaker.html",
            context={"forum": forum, "speaker": speaker, "sessions": sessions},
        )


class AgendaAPI(Controller):
    """The public read API of a forum's agenda, in the /api router."""

    path = "/forums/{slug:str}"
    opt = {"role": PUBLIC}  # noqa: RUF012 - Litestar's controller option
    tags = ("agenda",)

    @get("/sessions")
    async def list_sessions(
        self, request: Request, slug: FromPath[str]
    ) -> Response[list[SessionOut]]:
        forum = await get_public_forum(slug, viewer=request.user)
        # built once per change of the agenda, like the feeds (exports/services/cache.py)
        rendered = await export_services.sessions_json(forum)
        # the cached bytes are list[SessionOut] as JSON; the annotation documents the API
        return export_services.respond(rendered, request.headers)  # type: ignore[return-value]

    @get("/speakers")
    async def list_speakers(
        self, request: Request, slug: FromPath[str]
    ) -> Response[list[SpeakerOut]]:
        forum = await get_public_forum(slug, viewer=request.user)
        rendered = await export_services.speakers_json(forum)  # kept while unchanged
        return export_services.respond(rendered, request.headers)  # type: ignore[return-value]


class AgendaAdminAPI(Controller):
    """Organizer writes on a forum's rooms, tracks, speakers and sessions (in /api)."""

    path = "/forums/{slug:str}"
    tags = ("agenda",)

    @post("/rooms", status_code=HTTP_201_CREATED)
    async def add_room(
        self, request: Request, slug: FromPath[str], data: JSONBody[RoomIn]
    ) -> RoomOut:
        return RoomOut.of(await services.add_room(forum_of(request), data))

    @patch("/rooms/{item_id:int}")
    async def update_room(
        self,
        request: Request,
        slug: FromPath[str],
        item_id: FromPath[int],
        data: JSONBody[RoomPatch],
    ) -> RoomOut:
        return RoomOut.of(
            await services.update_room(forum_of(request), item_id, data, by=request.user)
        )

    @delete("/rooms/{item_id:int}")
    async def delete_room(
        self, request: Request, slug: FromPath[str], item_id: FromPath[int]
    ) -> None:
        await services.delete_room(forum_of(request), item_id, by=request.user)

    @post("/tracks", status_code=HTTP_201_CREATED)
    async def add_track(
        self, request: Request, slug: FromPath[str], data: JSONBody[TrackIn]
    ) -> TrackOut:
        return TrackOut.of(await services.add_track(forum_of(request), data))

    @patch("/tracks/{item_id:int}")
    async def update_track(
        self,
        request: Request,
        slug: FromPath[str],
        item_id: FromPath[int],
        data: JSONBody[TrackPatch],
    ) -> TrackOut:
        return TrackOut.of(
            await services.update_track(forum_of(request), item_id, data, by=request.user)
        )

    @delete("/tracks/{item_id:int}")
    async def delete_track(
        self, request: Request, slug: FromPath[str], item_id: FromPath[int]
    ) -> None:
        await services.delete_track(forum_of(request), item_id, by=request.user)

    @post("/speakers", status_code=HTTP_201_CREATED)
    async def add_speaker(
        self, request: Request, slug: FromPath[str], data: JSONBody[SpeakerIn]
    ) -> SpeakerOut:
        return SpeakerOut.of(await services.add_speaker(forum_of(request), data))

    @patch("/speakers/{item_id:int}")
    async def update_speaker(
        self,
        request: Request,
        slug: FromPath[str],
        item_id: FromPath[int],
        data: JSONBody[SpeakerPatch],
    ) -> SpeakerOut:
        return SpeakerOut.of(
            await services.update_speaker(forum_of(request), item_id, data, by=request.user)
        )

    @delete("/speakers/{item_id:int}")
    async def delete_speaker(
        self, request: Request, slug: FromPath[str], item_id: FromPath[int]
    ) -> None:
        await services.delete_speaker(forum_of(request), item_id, by=request.user)

    @post("/sessions", status_code=HTTP_201_CREATED)
    async def add_session(
        self, request: Request, slug: FromPath[str], data: JSONBody[SessionIn]
    ) -> SessionOut:
        forum = forum_of(request)
        session = await services.add_session(forum, data, by=request.user)
        return SessionOut.of(await services.get_session(forum, session.id), forum.timezone)

    @patch("/sessions/{item_id:int}")
    async def update_session(
        self,
        request: Request,
        slug: FromPath[str],
        item_id: FromPath[int],
        data: JSONBody[SessionPatch],
    ) -> SessionOut:
        forum = forum_of(request)
        await services.update_session(forum, item_id, data, by=request.user)
        return SessionOut.of(await services.get_session(forum, item_id), forum.timezone)

    @delete("/sessions/{item_id:int}")
    async def remove_session(
        self, request: Request, slug: FromPath[str], item_id: FromPath[int]
    ) -> None:
        await services.remove_session(forum_of(request), item_id, by=request.user)

    @post("/sessions/{item_id:int}/restore", status_code=HTTP_200_OK)
    async def restore_session(
        self, request: Request, slug: FromPath[str], item_id: FromPath[int]
    ) -> SessionOut:
        """Put a removed session back on the agenda, as it was."""
        forum = forum_of(request)
        await services.restore_session(forum, item_id, by=request.user)
        return SessionOut.of(await services.get_session(forum, item_id), forum.timezone)
