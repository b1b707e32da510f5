"""Build each export once per change of the agenda, not once per request.

A rendered export is kept in this process under (forum, variant) together with the
agenda's fingerprint: one cheap query (the newest session change, the number of
sessions, every room and track) plus the forum's own `updated_at`. Every edit of the
agenda moves one of them (the editing services bump a session's `updated_at` whenever
its published form changes). The fingerprint is also the ETag, so all workers answer
304 alike.

The fingerprint itself is kept in memory too, until core/changes.py says the forum
changed (PostgreSQL NOTIFY, or SQLite's poll): a cached read and its 304 then cost no
query at all, and are at most 1 s behind a committed change (the bound is explained
there). While this worker is not told of changes it asks the fingerprint every time.

A missing copy is built by one request; the others asking for the same copy meanwhile
wait for it, or, when only the minute moved (the "now" of a running forum), are served
the previous copy while it is rebuilt."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from importlib.metadata import version

from litestar import Response
from litestar.datastructures import Headers

from forum_mgmt.core import changes, time
from forum_mgmt.core.negotiation import accepts_gzip, etag_matches
from forum_mgmt.exports import queries
from forum_mgmt.exports.services import replay
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum

MAX_ENTRIES = 256
# A new release may render differently: clients must not keep the old copy.
RELEASE = version("forum-mgmt")


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    etag: str
    last_modified: dt.datetime
    filename: str = ""
    gzipped: bytes = b""  # the same body compressed once: feeds are polled, and large
    private: bool = False  # one person's (behind a secret address): no shared cache keeps it


@dataclass(frozen=True)
class Fingerprint:
    text: str
    last_modified: dt.datetime
    of: tuple = ()  # the forum row's slug and updated_at it was read with


# key -> (version with its epoch, the copy, version without the epoch)
_entries: OrderedDict[tuple, tuple[str, Rendered, str]] = OrderedDict()
_flights: dict[tuple, tuple[str, asyncio.Task[Rendered]]] = {}  # builds under way
_prints: dict[int, Fingerprint] = {}  # by forum id, valid until changes.py says otherwise
builds = 0  # how many copies this process has built (tests count them)


def clear() -> None:
    _entries.clear()
    _prints.clear()
    _kept.clear()


_kept: dict[tuple, Rendered] = {}  # what no fingerprint covers: kept while told of changes


def _forget(forum_id: int | None) -> None:
    if forum_id is None:
        _prints.clear()
        _kept.clear()
    else:
        _prints.pop(forum_id, None)
        for key in [k for k in _kept if k[0] == forum_id]:
            del _kept[key]


changes.on_change(_forget)


def running(forum: Forum) -> bool:
    """Whether the forum is on today, in its zone: its pages show what runs now."""
    return forum.starts_on <= time.today(forum.timezone) <= forum.ends_on


def minute_of(forum: Forum) -> str:
    """The epoch of a page showing "now" and "next": the minute while the forum runs;
    before and after, nothing moves but the agenda itself."""
    return time.now().strftime("%Y-%m-%dT%H:%M") if running(forum) else ""


def _instant(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands aggregates back as text
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=time.UTC)


async def fingerprint(forum: Forum) -> Fingerprint:
    """What every export of this forum depends on, in one query (none when it is known)."""
    known = _prints.get(forum.id) if changes.watching() else None
    if known is not None and known.of == (forum.slug, forum.updated_at):
        return known
    snap = changes.snapshot()
    rows = await queries.agenda_fingerprint_rows(forum.id)
    sessions = next(r for r in rows if r["kind"] == "sessions")
    last = max(filter(None, (_instant(sessions["last"]), forum.updated_at)))
    parts = sorted(
        f"{r['kind']}:{r['id']}:{r['name']}:{r['name_local']}:{r['extra']}" for r in rows
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    text = f"{forum.id}|{forum.slug}|{forum.updated_at.isoformat()}|{last}|{digest}"
    found = Fingerprint(text, last, (forum.slug, forum.updated_at))
    if changes.keep(snap):
        _prints[forum.id] = found
    return found


async def cached(
    forum: Forum,
    variant: Hashable,
    build: Callable[[], Awaitable[bytes]],
    *,
    media_type: str,
    filename: str = "",
    epoch: str = "",
    minute: bool = False,
    compress: bool = True,
    private: bool = False,
    changed_at: dt.datetime | None = None,
) -> Rendered:
    """The export `variant` of this forum, built again only when the agenda has changed.

    `epoch` names what else the variant depends on; `minute`: it shows "now" and "next",
    so it is built again each minute while the forum runs (see `minute_of()`); `private`
    marks it as one person's, for the browser's cache only; `changed_at` is when something
    besides the agenda last changed it (a person's stars): Last-Modified is the later of
    the two.
    """
    fp = await fingerprint(forum)
    moment = minute_of(forum) if minute else None
    if moment is not None:
        epoch = f"{epoch}|{moment}"
    key, version = (forum.id, variant), fp.text
    last_modified = fp.last_modified
    if (changed := _instant(changed_at)) is not None:
        version, last_modified = f"{version}|{changed.isoformat()}", max(last_modified, changed)
    current = f"{version}|{epoch}"
    hit = _entries.get(key)
    if hit is not None and hit[0] == current:
        _entries.move_to_end(key)
        if not private and changed_at is None:  # answered as current: the same again meanwhile
            replay.answered_from(_source(forum, fp, epoch, moment))
        return hit[1]
    flight = _flights.get(key)
    if flight is None or flight[0] != current:
        made = _build(
            key,
            current,
            version,
            variant,
            build,
            last_modified,
            media_type,
            filename,
            compress,
            private,
        )
        flight = (current, asyncio.ensure_future(made))
        _flights[key] = flight
    elif hit is not None and hit[2] == version:
        return hit[1]  # only the minute moved: the previous copy while one request rebuilds
    # shielded: a client that goes away does not cancel the build the others wait for
    rendered = await asyncio.shield(flight[1])
    if not private and changed_at is None:  # answered as current: the same again meanwhile
        replay.answered_from(_source(forum, fp, epoch, moment))
    return rendered


def _source(forum: Forum, fp: Fingerprint, epoch: str, moment: str | None) -> replay.Source:
    """Valid while this forum row and fingerprint are the ones in memory (and the minute,
    for a page showing "now")."""

    def valid() -> bool:
        return (
            changes.watching()
            and _prints.get(forum.id) is fp
            and forums.is_current(forum)
            and (moment is None or minute_of(forum) == moment)
        )

    return replay.Source(valid, (forum, fp, epoch))


async def _build(
    key: tuple,
    current: str,
    version: str,
    variant: Hashable,
    build: Callable[[], Awaitable[bytes]],
    last_modified: dt.datetime,
    media_type: str,
    filename: str,
    compress: bool,
    private: bool,
) -> Rendered:
    global builds
    try:
        builds += 1
        body = await build()
        tag = hashlib.sha256(f"{RELEASE}|{variant!r}|{current}".encode()).hexdigest()[:32]
        # mtime=0: every worker compresses to the same bytes, under the same ETag
        packed = gzip.compress(body, compresslevel=6, mtime=0) if compress else b""
        rendered = Rendered(body, media_type, f'"{tag}"', last_modified, filename, packed, private)
        _entries[key] = (current, rendered, version)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
        return rendered
    finally:
        if _flights.get(key, ("",))[0] == current:
            del _flights[key]


async def kept(
    forum: Forum, variant: Hashable, build: Callable[[], Awaitable[bytes]], *, media_type: str
) -> Rendered:
    """A read the fingerprint does not cover (speakers have no time of change): built each
    time, unless this worker is told of changes; then kept until its forum changes. Its
    ETag is its content's, the same in every worker."""
    key = (forum.id, variant)
    if changes.watching() and (hit := _kept.get(key)) is not None:
        replay.answered_from(_kept_source(forum, key, hit))
        return hit
    snap = changes.snapshot()
    body = await build()
    tag = hashlib.sha256(f"{RELEASE}|{variant!r}|".encode() + body).hexdigest()[:32]
    when = time.now().replace(microsecond=0)
    rendered = Rendered(body, media_type, f'"{tag}"', when, "", gzip.compress(body, mtime=0))
    if changes.keep(snap) and len(_kept) < MAX_ENTRIES:
        _kept[key] = rendered
        replay.answered_from(_kept_source(forum, key, rendered))
    return rendered


def _kept_source(forum: Forum, key: tuple, rendered: Rendered) -> replay.Source:
    def valid() -> bool:
        return changes.watching() and _kept.get(key) is rendered and forums.is_current(forum)

    return replay.Source(valid, (forum, rendered))


def is_fresh(etag: str, last_modified: dt.datetime, headers: Headers) -> bool:
    """Whether the client's copy is current (RFC 9110 13.1: If-None-Match wins)."""
    if (tags := headers.get("if-none-match")) is not None:
        return etag_matches(etag, tags)
    if since := headers.get("if-modified-since"):
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and last_modified.replace(microsecond=0) <= when
    return False


def _cache_control(rendered: Rendered, *, revalidate: bool) -> str:
    if revalidate:
        return "no-cache"
    # A personal feed may sit in its owner's calendar app, never in a proxy shared with others.
    return "private, max-age=300" if rendered.private else "public, max-age=300"


def respond(rendered: Rendered, headers: Headers, *, revalidate: bool = False) -> Response[bytes]:
    """The export (gzipped when the client takes it), or 304 when the client has it.

    `revalidate`: a page, not a feed; the browser asks again each time (a cheap 304 when
    unchanged) since the same address looks different once its visitor signs in."""
    body, etag = rendered.body, rendered.etag
    meta = {"Vary": "Accept-Encoding, Cookie" if revalidate else "Accept-Encoding"}
    if accepts_gzip(headers.get("accept-encoding", "")):
        # another representation, so another (strong) ETag
        body, etag = rendered.gzipped, f'{rendered.etag[:-1]}-gzip"'
        meta["Content-Encoding"] = "gzip"
    meta |= {
        "ETag": etag,
        "Last-Modified": format_datetime(rendered.last_modified.astimezone(time.UTC), usegmt=True),
        "Cache-Control": _cache_control(rendered, revalidate=revalidate),
    }
    if is_fresh(etag, rendered.last_modified, headers):
        meta.pop("Content-Encoding", None)
        return Response(b"", status_code=304, headers=meta, media_type=rendered.media_type)
    if rendered.filename:
        meta["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    return Response(body, headers=meta, media_type=rendered.media_type)
