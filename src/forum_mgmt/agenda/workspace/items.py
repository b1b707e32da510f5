"""Rooms, tracks and speakers in the workspace: one list-and-form page for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import services
from forum_mgmt.agenda.schemas import (
    RoomIn,
    RoomPatch,
    SpeakerIn,
    SpeakerPatch,
    TrackIn,
    TrackPatch,
)
from forum_mgmt.agenda.tables import Room, Speaker, Track
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import parse
from forum_mgmt.core.i18n import N_
from forum_mgmt.forums.guards import forum_of


@dataclass(frozen=True)
class Kind:
    """Rooms, tracks and speakers share one list-and-form page."""

    table: Any
    create: type[msgspec.Struct]
    patch: type[msgspec.Struct]
    add: Any
    update: Any
    delete: Any
    title: str
    fields: tuple[tuple[str, str, str], ...]  # (name, label, input type)


KINDS = {
    "rooms": Kind(
        Room,
        RoomIn,
        RoomPatch,
        services.add_room,
        services.update_room,
        services.delete_room,
        N_("Rooms"),
        (
            ("name", N_("Name"), "text"),
            ("name_local", N_("Name in Chinese"), "text"),
            ("capacity", N_("Seats"), "number"),
        ),
    ),
    "tracks": Kind(
        Track,
        TrackIn,
        TrackPatch,
        services.add_track,
        services.update_track,
        services.delete_track,
        N_("Tracks"),
        (
            ("name", N_("Name"), "text"),
            ("name_local", N_("Name in Chinese"), "text"),
            ("color", N_("Colour"), "color"),
        ),
    ),
    "speakers": Kind(
        Speaker,
        SpeakerIn,
        SpeakerPatch,
        services.add_speaker,
        services.update_speaker,
        services.delete_speaker,
        N_("Speakers"),
        (
            ("name", N_("Full name"), "text"),  # a person's: 姓名, not a room's 名稱
            ("name_local", N_("Name in Chinese"), "text"),
            ("title", N_("Job title"), "text"),
            ("title_local", N_("Job title in Chinese"), "text"),
            ("organization", N_("Organisation"), "text"),
            ("organization_local", N_("Organisation in Chinese"), "text"),
            ("photo_url", N_("Photo address (URL)"), "url"),
            ("email", N_("E-mail, for agenda change notices (never shown)"), "email"),
            ("bio", N_("Biography"), "textarea"),
            ("bio_local", N_("Biography in Chinese"), "textarea"),
        ),
    ),
}


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise NotFoundException()
    return KINDS[kind]


def _as_values(item) -> dict[str, Any]:
    return {k: v for k, v in item.to_dict().items() if v is not None}


class ItemPages(Controller):
    """/manage/forums/{slug}/rooms | tracks | speakers, and one item each."""

    path = "/forums/{slug:str}/{kind:str}"

    @get("/")
    async def listing(self, request: Request, slug: FromPath[str], kind: FromPath[str]) -> Template:
        spec = _kind(kind)
        return await _items_page(request, kind, spec, {}, {})

    @post("/", status_code=HTTP_200_OK)
    async def create(
        self, request: Request, slug: FromPath[str], kind: FromPath[str]
    ) -> Template | Redirect:
        spec, forum = _kind(kind), forum_of(request)
        form = dict(await request.form())
        try:
            await spec.add(forum, parse(spec.create, form))
        except DomainError as err:
            return await _items_page(
                request, kind, spec, form, err.fields or {"form": err.message}, 422
            )
        return Redirect(f"/manage/forums/{slug}/{kind}?saved=1", status_code=303)

    @get("/{item_id:int}")
    async def edit(
        self, request: Request, slug: FromPath[str], kind: FromPath[str], item_id: FromPath[int]
    ) -> Template:
        spec, forum = _kind(kind), forum_of(request)
        item = await services.get_item(spec.table, forum, item_id)
        return _item_page(forum, kind, spec, item_id, _as_values(item), {})

    @post("/{item_id:int}", status_code=HTTP_200_OK)
    async def save(
        self, request: Request, slug: FromPath[str], kind: FromPath[str], item_id: FromPath[int]
    ) -> Template | Redirect:
        spec, forum = _kind(kind), forum_of(request)
        form = dict(await request.form())
        try:
            await spec.update(forum, item_id, parse(spec.patch, form), by=request.user)
        except DomainError as err:
            if err.status_code == 404:
                raise
            return _item_page(
                forum, kind, spec, item_id, form, err.fields or {"form": err.message}, 422
            )
        return Redirect(f"/manage/forums/{slug}/{kind}?saved=1", status_code=303)

    @post("/{item_id:int}/delete", status_code=HTTP_200_OK)
    async def remove(
        self, request: Request, slug: FromPath[str], kind: FromPath[str], item_id: FromPath[int]
    ) -> Template | Redirect:
        spec, forum = _kind(kind), forum_of(request)
        try:
            await spec.delete(forum, item_id, by=request.user)
        except DomainError as err:
            if err.status_code == 404:
                raise
            return await _items_page(
                request, kind, spec, {}, {"form": err.message}, err.status_code
            )
        return Redirect(f"/manage/forums/{slug}/{kind}", status_code=303)


async def _items_page(request, kind, spec, values, errors, status=200) -> Template:
    forum = forum_of(request)
    return Template(
        "manage/items.html",
        context={
            "forum": forum,
            "kind": kind,
            "spec": spec,
            "items": await services.list_items(spec.table, forum),
            "values": values,
            "errors": errors,
            "section": kind,
        },
        status_code=status,
    )


def _item_page(forum, kind, spec, item_id, values, errors, status=200) -> Template:
    return Template(
        "manage/item.html",
        context={
            "forum": forum,
            "kind": kind,
            "spec": spec,
            "item_id": item_id,
            "values": values,
            "errors": errors,
            "section": kind,
        },
        status_code=status,
    )
