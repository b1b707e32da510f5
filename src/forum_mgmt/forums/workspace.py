"""The organizer's workspace for forums: the list, a new forum, settings, publication.

Mounted in the /manage router of app.py: organizers of the forum of the path, or, without
a slug, people who may create forums; the list of forums is for anyone signed in.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.core import time
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import parse
from forum_mgmt.core.i18n import N_, _
from forum_mgmt.forums import notice, services
from forum_mgmt.forums.guards import SIGNED_IN, forum_of
from forum_mgmt.forums.schemas import ForumIn, ForumPatch
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration

CHECKBOXES = ("waitlist", "approval", "confirm_email")
# The names of what a coverage list points at (registration/services/registration.coverage.py).
KIND_NAMES = {
    "forum": N_("Forum"),
    "room": N_("Room"),
    "track": N_("Track"),
    "category": N_("Category"),
    "question": N_("Question"),
    "session": N_("Session"),
    "speaker": N_("Speaker"),
}
FIELD_NAMES = {
    "name": N_("Name"),
    "theme": N_("Theme"),
    "venue": N_("Venue"),
    "label": N_("Question"),
    "choices": N_("Options"),
    "title": N_("Title"),
    "bio": N_("Biography"),
}


def _values(forum: Forum) -> dict[str, Any]:
    """A forum as the settings form shows it: times in the forum's zone."""
    values = {name: getattr(forum, name) for name in ForumIn.__struct_fields__}
    for name in ("registration_opens_at", "registration_closes_at"):
        instant = values[name]
        values[name] = (
            time.local(instant, forum.timezone).strftime("%Y-%m-%dT%H:%M") if instant else ""
        )
    return values


def _with_zone(form: dict[str, Any], tz: str) -> dict[str, Any]:
    """datetime-local inputs carry no zone: they are in the forum's."""
    form = dict(form)
    zone = form.get("timezone") or tz
    for name in ("registration_opens_at", "registration_closes_at"):
        value = (form.get(name) or "").strip()
        if value and time.is_zone(zone) and len(value) == 16:
            with suppress(ValueError):  # left as typed: validation names the field
                form[name] = time.parse_local(value, zone).isoformat()
    return form


class ForumWorkspace(Controller):
    path = "/"

    @get("/", name="manage", opt={"role": SIGNED_IN})
    async def index(self, request: Request) -> Template:
        forums = await services.forums_with_roles(request.user)
        organisations = await services.organisations_for_new_forums(request.user)
        return Template(
            "manage/index.html",
            context={
                "forums": forums,
                "can_create": bool(organisations),
                "organisations": organisations,  # their organizers manage their members
                "section": "forums",
            },
        )

    @get("/forums/new")
    async def new(self, request: Request) -> Template:
        organisations = await services.organisations_for_new_forums(request.user)
        values = {
            "timezone": "Asia/Taipei",
            "waitlist": True,
            "signup_limit_per_address": 20,
            "audience_share": 30,
        }
        return _new_page(organisations, values, {})

    @post("/forums/new", status_code=HTTP_200_OK)
    async def create(self, request: Request) -> Template | Redirect:
        form = dict(await request.form())
        organisations = await services.organisations_for_new_forums(request.user)
        try:
            data = parse(ForumIn, _with_zone(form, "Asia/Taipei"), checkboxes=CHECKBOXES)
            forum = await services.create_forum_by(
                request.user, data, organisation=form.get("organisation") or None
            )
        except DomainError as err:
            return _new_page(organisations, form, err.fields or {"form": err.message}, 422)
        return Redirect(f"/manage/forums/{forum.slug}", status_code=303)

    @get("/forums/{slug:str}")
    async def settings(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        found = await registration.coverage.coverage(forum)
        shown = found.missing if request.query_params.get("check") else []
        return _settings_page(forum, _values(forum), {}, found=found, missing=shown)

    @post("/forums/{slug:str}", status_code=HTTP_200_OK)
    async def save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = dict(await request.form())
        try:
            data = parse(ForumPatch, _with_zone(form, forum.timezone), checkboxes=CHECKBOXES)
            await services.update_forum(forum, data)
        except DomainError as err:
            found = await registration.coverage.coverage(forum)
            return _settings_page(
                forum, form, err.fields or {"form": err.message}, 422, found=found
            )
        return Redirect(f"/manage/forums/{slug}?saved=1", status_code=303)

    @get("/forums/{slug:str}/privacy-notice")
    async def privacy_notice(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        shown = await notice.current(forum)
        values = {"text": shown.text, "text_local": shown.text_local}
        return await _notice_page(forum, values, {})

    @post("/forums/{slug:str}/privacy-notice", status_code=HTTP_200_OK)
    async def save_privacy_notice(
        self, request: Request, slug: FromPath[str]
    ) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        values = {"text": form.get("text") or "", "text_local": form.get("text_local") or ""}
        try:
            await notice.save(forum, **values, by=request.user)
        except DomainError as err:
            return await _notice_page(forum, values, err.fields or {"form": err.message}, 422)
        return Redirect(f"/manage/forums/{slug}/privacy-notice?saved=1", status_code=303)

    @post("/forums/{slug:str}/publish", status_code=HTTP_200_OK)
    async def publish(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = await request.form()
        accept = form.get("accept_fallback") == "on"
        try:
            await registration.coverage.publish(forum, accept_fallback=accept)
        except registration.coverage.MissingTranslations:
            # a question to the organizer, not an error: the list and the box to accept it
            found = await registration.coverage.coverage(forum)
            return _settings_page(forum, _values(forum), {}, found=found, missing=found.missing)
        return Redirect(f"/manage/forums/{slug}", status_code=303)

    @post("/forums/{slug:str}/unpublish")
    async def unpublish(self, request: Request, slug: FromPath[str]) -> Redirect:
        await services.unpublish(forum_of(request))
        return Redirect(f"/manage/forums/{slug}", status_code=303)


def _new_page(organisations, values, errors, status: int = 200) -> Template:
    return Template(
        "manage/forum_new.html",
        context={
            "organisations": [(o.slug, o.name) for o in organisations],
            "values": values,
            "errors": errors,
            "section": "forums",
        },
        status_code=status,
    )


def _settings_page(
    forum: Forum,
    values,
    errors,
    status: int = 200,
    *,
    found: registration.coverage.Coverage,
    missing: list[registration.coverage.Missing] | None = None,
) -> Template:
    return Template(
        "manage/forum_settings.html",
        context={
            "forum": forum,
            "values": values,
            "errors": errors,
            "section": "settings",
            "coverage": found,
            "missing": missing or [],
            "kind_names": {k: _(v) for k, v in KIND_NAMES.items()},
            "field_names": {k: _(v) for k, v in FIELD_NAMES.items()},
        },
        status_code=status,
    )


async def _notice_page(forum: Forum, values, errors, status: int = 200) -> Template:
    return Template(
        "manage/privacy_notice.html",
        context={
            "forum": forum,
            "values": values,
            "errors": errors,
            "current": await notice.current(forum),
            "versions": await notice.versions(forum),
            "section": "privacy-notice",
        },
        status_code=status,
    )
