"""Public agenda, session and speaker pages, and the read API for sessions and speakers."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import SessionOut, SpeakerOut
from forum_mgmt.core import i18n, time
from forum_mgmt.core.errors import NotFound
from forum_mgmt.core.i18n import _
from forum_mgmt.exports import services as export_services
from forum_mgmt.forums.services import get_public_forum


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


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
    ) -> Template:
        forum = await get_public_forum(slug)
        room_id, track_id = _int_or_none(room), _int_or_none(track)
        chosen = {"room": room_id, "track": track_id, "language": language or ""}

        async def listing() -> str:
            agenda = await services.load_agenda(forum)
            services.mark_now_and_next(agenda.sessions, time.now(), forum.timezone)
            agenda.sessions = services.filter_sessions(
                agenda.sessions, room=room_id, track=track_id, language=language or None
            )
            part = request.app.template_engine.get_template("agenda/_listing.html")
            return part.render(
                forum=forum, agenda=agenda, days=agenda.days(forum.timezone), chosen=chosen
            )

        # The listing is built once per change of the agenda (and per minute, for "now").
        variant = ("agenda", i18n.current(), room_id, track_id, language or "")
        return Template(
            "agenda/agenda.html",
            context={
                "forum": forum,
                "listing": await export_services.page_part(forum, variant, listing, minute=True),
                "links": export_services.calendar_links(forum),
            },
        )

    @get("/tracks.css", name="tracks_css", media_type="text/css")
    async def tracks_css(self, slug: FromPath[str]) -> Response[str]:
        """Track colours as classes, so that pages carry no inline style."""
        forum = await get_public_forum(slug)
        tracks = await services.list_tracks(forum)
        css = "".join(f".track-{t.id}{{--track:{t.color}}}\n" for t in tracks)
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})

    # One handler for `/sessions/12` and `/sessions/12.ics`: Litestar routes one parameter
    # per path segment, and an int and a str parameter there would shadow each other.
    @get("/sessions/{ref:str}", name="session")
    async def session(
        self, request: Request, slug: FromPath[str], ref: FromPath[str]
    ) -> Template | Response[bytes]:
        number, dot, extension = ref.partition(".")
        if not number.isdigit() or (dot and extension != "ics"):
            raise NotFound(_("This session is not on the agenda."))
        forum = await get_public_forum(slug)
        if extension == "ics":
            rendered = await export_services.session_calendar(forum, int(number))
            return export_services.respond(rendered, request.headers)
        view = await services.get_session(forum, int(number))
        links = export_services.calendar_links(forum, view)
        return Template(
            "agenda/session.html", context={"forum": forum, "view": view, "links": links}
        )

    @get("/speakers", name="speakers")
    async def speakers(self, slug: FromPath[str]) -> Template:
        forum = await get_public_forum(slug)
        speakers = await services.list_speakers(forum)
        return Template("agenda/speakers.html", context={"forum": forum, "speakers": speakers})

    @get("/speakers/{speaker_id:int}", name="speaker")
    async def speaker(self, slug: FromPath[str], speaker_id: FromPath[int]) -> Template:
        forum = await get_public_forum(slug)
        speaker, sessions = await services.get_speaker(forum, speaker_id)
        return Template(
            "agenda/speaker.html",
            context={"forum": forum, "speaker": speaker, "sessions": sessions},
        )


class AgendaAPI(Controller):
    path = "/api/forums/{slug:str}"
    tags = ("agenda",)

    @get("/sessions")
    async def list_sessions(
        self, request: Request, slug: FromPath[str]
    ) -> Response[list[SessionOut]]:
        forum = await get_public_forum(slug)
        # built once per change of the agenda, like the feeds (exports/services/cache.py)
        rendered = await export_services.sessions_json(forum)
        return export_services.respond(rendered, request.headers)  # type: ignore[return-value]

    @get("/speakers")
    async def list_speakers(self, slug: FromPath[str]) -> list[SpeakerOut]:
        forum = await get_public_forum(slug)
        return [SpeakerOut.of(sp) for sp in await services.list_speakers(forum)]
