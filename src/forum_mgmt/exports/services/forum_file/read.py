"""Reading a forum file: check it, then build its forum through the services, all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from piccolo.columns import Column

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.schemas import RoomIn, SessionIn, SessionSpeakerIn, SpeakerIn, TrackIn
from forum_mgmt.agenda.tables import AgendaSession, Room, Speaker
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _
from forum_mgmt.exports.schemas import (
    CategoryFile,
    ForumTransfer,
    OrganisationFile,
    RoomFile,
    SessionFile,
    SpeakerFile,
)
from forum_mgmt.exports.services.forum_file.fields import QUESTION_FIELDS, SESSION_FIELDS, pick
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.schemas import ForumIn
from forum_mgmt.forums.tables import Forum, ForumStatus, Organisation
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Category, Question


class InvalidForumFile(DomainError):
    status_code, code = 422, "invalid_forum_file"


def _decode(data: bytes) -> ForumTransfer:
    try:
        doc = msgspec.json.decode(data, type=ForumTransfer)
    except msgspec.DecodeError as err:
        raise InvalidForumFile(_("This is not a forum file: {error}").format(error=err)) from None
    for name, items in (("rooms", doc.rooms), ("tracks", doc.tracks), ("speakers", doc.speakers)):
        keys = [item.key for item in items]
        if len(set(keys)) != len(keys):
            raise InvalidForumFile(_("Each key in “{list}” must be used once.").format(list=name))
    for name, kept in _with_uids(doc):
        uids = [item.uid for item in kept if item.uid is not None]
        if len(set(uids)) != len(uids):
            raise InvalidForumFile(_("Each uid in “{list}” must be used once.").format(list=name))
    known = {
        "rooms": {r.key for r in doc.rooms},
        "tracks": {t.key for t in doc.tracks},
        "speakers": {s.key for s in doc.speakers},
    }
    for i, s in enumerate(doc.sessions, 1):
        used = [("rooms", s.room), ("tracks", s.track)]
        used += [("speakers", p.speaker) for p in s.speakers]
        for name, key in used:
            if key is not None and key not in known[name]:
                raise InvalidForumFile(
                    _(
                        "Session {number} names “{key}”, which is not in the file's “{list}”."
                    ).format(number=i, key=key, list=name)
                )
    return doc


async def import_forum(data: bytes, *, organisation: str | None = None) -> Forum:
    """Create the forum of a file, with everything in it, or nothing at all.

    The forum joins the organisation named in the file (created if needed), or the
    existing organisation `organisation`. A slug in use is refused.
    """
    doc = _decode(data)
    async with transaction():
        if await Forum.exists().where(Forum.slug == doc.forum.slug):
            raise InvalidForumFile(
                _("A forum with the slug “{slug}” exists already; nothing was imported.").format(
                    slug=doc.forum.slug
                )
            )
        await _refuse_known_uids(doc)
        org = await _organisation(doc.organisation, organisation)
        try:
            forum = await _build(org, doc)
        except DomainError as err:
            details = "; ".join(f"{k}: {v}" for k, v in err.fields.items())
            message = f"{err.message} {details}".strip()
            raise InvalidForumFile(
                _("Nothing was imported: {problem}").format(problem=message), fields=err.fields
            ) from None
    return forum


def _with_uids(
    doc: ForumTransfer,
) -> list[tuple[str, Sequence[RoomFile | SpeakerFile | SessionFile]]]:
    return [("rooms", doc.rooms), ("speakers", doc.speakers), ("sessions", doc.sessions)]


async def _refuse_known_uids(doc: ForumTransfer) -> None:
    """A uid names one item in the world: a forum already here (under any slug) is not
    imported a second time. The unique keys would refuse it too, less readably."""
    tables: dict[str, type[Room | Speaker | AgendaSession]] = {
        "rooms": Room,
        "speakers": Speaker,
        "sessions": AgendaSession,
    }
    for name, items in _with_uids(doc):
        table = tables[name]
        uids = [item.uid for item in items if item.uid is not None]
        if not uids:
            continue
        known = await (
            table.select(table.uid, table.forum.slug.as_alias("slug"))
            .where(table.uid.is_in(uids))
            .first()
        )
        if known is not None:
            uid = str(known["uid"])  # a UUID on PostgreSQL, text on SQLite
            number = next(i for i, item in enumerate(items, 1) if str(item.uid) == uid)
            raise InvalidForumFile(
                _(
                    "Item {number} of “{list}” (uid {uid}) is in the forum “{slug}” here "
                    "already; nothing was imported. To import a copy, remove the “uid” "
                    "fields from the file."
                ).format(number=number, list=name, uid=uid, slug=known["slug"])
            )


async def _organisation(described: OrganisationFile, chosen: str | None) -> Organisation:
    if chosen is None:
        return await forums.ensure_organisation(
            described.slug, name=described.name, name_local=described.name_local
        )
    org = await Organisation.objects().where(Organisation.slug == chosen).first()
    if org is None:
        raise InvalidForumFile(_("There is no organisation “{slug}”.").format(slug=chosen))
    return org


async def _build(org: Organisation, doc: ForumTransfer) -> Forum:
    f = doc.forum
    forum = await forums.create_forum(org, ForumIn(**pick(f, ForumIn)))
    await _registration_setup(forum, doc)
    rooms: dict[str, Room] = {}
    for r in doc.rooms:
        rooms[r.key] = await agenda.add_room(forum, RoomIn(**pick(r, RoomIn)))
        await _keep_uid(Room, rooms[r.key].id, r.uid)
    tracks = {t.key: await agenda.add_track(forum, TrackIn(**pick(t, TrackIn))) for t in doc.tracks}
    speakers: dict[str, Speaker] = {}
    for p in doc.speakers:
        speakers[p.key] = await agenda.add_speaker(forum, SpeakerIn(**pick(p, SpeakerIn)))
        await _keep_uid(Speaker, speakers[p.key].id, p.uid)
    for i, s in enumerate(doc.sessions, 1):
        try:
            session = await agenda.add_session(forum, _session_in(s, rooms, tracks, speakers))
        except DomainError as err:
            err.message = _("Session {number} (“{title}”): {problem}").format(
                number=i, title=s.title, problem=err.message
            )
            raise
        # The calendar bookkeeping travels with the session, exactly.
        kept: dict[Column | str, Any] = {
            AgendaSession.sequence: s.sequence,
            AgendaSession.cancelled_at: s.cancelled_at,
        }
        if s.uid is not None:
            kept[AgendaSession.uid] = s.uid
        await AgendaSession.update(kept).where(AgendaSession.id == session.id)
    if f.status == ForumStatus.PUBLISHED:
        forum = await forums.publish(forum)
        forum.published_at = f.published_at or forum.published_at
        await forum.save([Forum.published_at])
    return forum


async def _registration_setup(forum: Forum, doc: ForumTransfer) -> None:
    """The file's categories and questions; a file without categories leaves the defaults
    to their first use, as for any new forum."""
    if doc.categories:
        _check_categories(doc.categories, capacity=forum.capacity)
        await Category.insert(
            *[Category(forum=forum.id, **pick(c, CategoryFile)) for c in doc.categories]
        )
        # Finds the categories just made, so adds no defaults; makes the seat counters.
        await registration.ensure_categories(forum)
    for i, q in enumerate(doc.questions):
        try:
            question = await registration.add_question(
                forum,
                **pick(q, QUESTION_FIELDS),
                choices="\n".join(q.choices),
                choices_local="\n".join(q.choices_local),
            )
        except DomainError as err:
            err.fields = {f"$.questions[{i}].{name}": text for name, text in err.fields.items()}
            raise
        await Question.update({Question.position: q.position}).where(Question.id == question.id)


def _check_categories(categories: list[CategoryFile], *, capacity: int) -> None:
    """What the settings page asks of categories: codes apart, quotas within capacity."""
    seen: set[str] = set()
    for i, c in enumerate(categories):
        if c.code in seen:
            raise InvalidForumFile(
                _("Some fields need attention."),
                fields={f"$.categories[{i}].code": _("Choose another.")},
            )
        seen.add(c.code)
        if capacity and c.quota > capacity:
            raise InvalidForumFile(
                _("A quota is a number of seats within the forum's capacity."),
                fields={f"$.categories[{i}].quota": _("Between 0 and the forum's capacity.")},
            )
    if sum(c.quota for c in categories) > capacity > 0:
        raise InvalidForumFile(_("The quotas together would exceed the forum's capacity."))


async def _keep_uid(table: type[Room | Speaker], ident: int, uid: uuid.UUID | None) -> None:
    if uid is not None:
        await table.update({table.uid: uid}).where(table.id == ident)


def _session_in(s: SessionFile, rooms: dict, tracks: dict, speakers: dict) -> SessionIn:
    return SessionIn(
        **pick(s, SESSION_FIELDS),
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        room_id=rooms[s.room].id if s.room else None,
        track_id=tracks[s.track].id if s.track else None,
        capacity=s.capacity,
        speakers=[SessionSpeakerIn(speakers[p.speaker].id, p.role) for p in s.speakers],
        # the file is a copy of an agenda whose organizers accepted its clashes
        allow_conflicts=True,
    )
