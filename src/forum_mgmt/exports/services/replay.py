"""Cached public reads answered in front of the app: the same bytes again.

When a public read (a feed, a schedule file, the sessions or speakers API, the agenda page
of a visitor not signed in) is answered from the export cache (cache.py), its response
(status line, headers and body) is kept under its address, language and encoding, with
what it was built from: the forum row and the fingerprint held in memory. The next
request for the same address is answered with those bytes, without Litestar's routing,
the session, sign-in, CSRF and language middleware, the handler or the response hooks,
as long as what it was built from is still the one in memory: any change of the forum
(core/changes.py) replaces those, and the kept response is served no more. What is kept
is what the app sent, its security headers included (app.py wraps the whole app).

Never kept: a request with a session or a token (the page may be personal), one asking
for a language by address (its answer sets a cookie), a personal feed, an answer that
sets a cookie other than the CSRF token (which is dropped: one visitor's token is never
handed to another).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

from forum_mgmt.core import language
from forum_mgmt.core.negotiation import accepts_gzip, etag_matches

MAX_KEPT = 1024


@dataclass(frozen=True, eq=False)
class Source:
    """What an answer was built from: `valid()` while those are still the ones in memory;
    `parts` the objects themselves, to tell two answers from the same source."""

    valid: Callable[[], bool]
    parts: tuple

    def same(self, other: Source) -> bool:
        return len(self.parts) == len(other.parts) and all(
            a is b or (type(a) is str and a == b)
            for a, b in zip(self.parts, other.parts, strict=True)
        )


# What the handler of the current request answered from (cache.py adds to it).
sources: ContextVar[list[Source] | None] = ContextVar("replay_sources", default=None)


def answered_from(source: Source) -> None:
    if (used := sources.get()) is not None:
        used.append(source)


@dataclass
class Kept:
    source: Source
    etag: bytes = b""
    full: tuple[list, bytes] | None = None  # (headers, body) of the 200
    not_modified: list | None = None  # headers of the 304
    extra: dict = field(default_factory=dict)


_kept: dict[tuple, Kept] = {}


def clear() -> None:
    _kept.clear()


def _headers(scope: Any) -> dict[bytes, bytes]:
    return dict(scope["headers"])


def _eligible(scope: Any, headers: dict[bytes, bytes]) -> bool:
    if scope["method"] != "GET" or b"authorization" in headers:
        return False
    if b"lang=" in scope.get("query_string", b""):
        return False
    cookie = headers.get(b"cookie", b"")
    return b"session=" not in cookie


def _key(scope: Any, headers: dict[bytes, bytes]) -> tuple:
    # the same reading as the answer's (a "gzip;q=0" client is not a gzip client)
    gzip = accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1"))
    lang = language.choose(scope) if headers.get(b"cookie") or b"accept-language" in headers else ""
    return (scope["path"], scope.get("query_string", b""), lang, gzip)


def _fresh(kept: Kept, headers: dict[bytes, bytes]) -> bool | None:
    """True/False when If-None-Match decides; None for other conditions (not replayed)."""
    if b"if-modified-since" in headers and b"if-none-match" not in headers:
        return None
    tags = headers.get(b"if-none-match")
    if tags is None:
        return False
    return etag_matches(kept.etag.decode("latin-1"), tags.decode("latin-1"))


async def _send(send: Any, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body})


def middleware(app: ASGIApp) -> ASGIApp:
    async def replay(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = _headers(scope)
        if not _eligible(scope, headers):
            await app(scope, receive, send)
            return
        key = _key(scope, headers)
        kept = _kept.get(key)
        if kept is not None and kept.source.valid():
            fresh = _fresh(kept, headers)
            if fresh and kept.not_modified is not None:
                await _send(send, 304, kept.not_modified, b"")
                return
            if fresh is False and kept.full is not None:
                await _send(send, 200, *kept.full)
                return
        elif kept is not None:
            del _kept[key]
        await _record(app, scope, receive, send, key, kept)

    return replay


async def _record(app, scope, receive, send, key: tuple, kept: Kept | None) -> None:
    used: list[Source] = []
    token = sources.set(used)
    start: dict[str, Any] | None = None
    body: list[bytes] = []
    whole = True

    async def capture(message: Any) -> None:
        nonlocal start, whole
        if message["type"] == "http.response.start":
            start = {**message, "headers": list(message.get("headers", []))}
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            whole = whole and not message.get("more_body", False)
        await send(message)

    try:
        await app(scope, receive, capture)
    finally:
        sources.reset(token)
    if start is None or len(used) != 1 or not whole or start["status"] not in (200, 304):
        return
    out, etag = [], b""
    for name, value in start["headers"]:
        if name.lower() == b"set-cookie":
            if not value.startswith(b"csrftoken="):
                return  # a cookie for this visitor: never replayed to another
            continue
        if name.lower() == b"etag":
            etag = value
        out.append((name, value))
    if not etag:
        return
    if kept is None or kept.etag != etag or not kept.source.same(used[0]):
        kept = Kept(used[0], etag)
    if start["status"] == 200:
        kept.full = (out, b"".join(body))
    else:
        kept.not_modified = out
    if len(_kept) >= MAX_KEPT:
        _kept.pop(next(iter(_kept)))
    _kept[key] = kept
