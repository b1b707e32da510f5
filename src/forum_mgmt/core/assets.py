"""Static files under fingerprinted names, served from memory, gzipped once.

`static_url("site.css")` (a template global) is `/static/site.1a2b3c4d.css`: the first 8
hex digits of the file's SHA-256 are in its name, so the file at that address never
changes and is served `immutable` for a year; a new version has a new address. The plain
name stays served with a short max-age, for what cannot change its address (the scanner's
service worker, `checkin-sw.js`, whose address is its identity; old links).

Text files are gzipped (level 9, no timestamp) the first time a client that accepts gzip
asks, and kept. `forum-mgmt collectstatic DIR` (cli/static.py) writes the same names, and
their `.gz` siblings, for a proxy to serve (deploy/).

The table is read from static/ at first use. Outside production, a change to a file there
is picked up (checked at most once a second), so an edited stylesheet shows on reload.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from litestar import Request, route
from litestar.datastructures import Headers
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response.base import ASGIResponse

from forum_mgmt.core.negotiation import accepts_gzip, etag_matches
from forum_mgmt.core.settings import ROOT, get_settings

DIRECTORY = ROOT / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
PLAIN = "public, max-age=300"  # a plain name: its content may change with a release
_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".LICENSE": "text/plain",
    ".txt": "text/plain",
}


def _media_type(path: PurePosixPath) -> str:
    guessed = mimetypes.guess_type(path.name)[0]
    return _TYPES.get(path.suffix) or guessed or "application/octet-stream"


def compressible(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type.startswith(
        ("application/json", "image/svg+xml")
    )


def gzipped(body: bytes) -> bytes:
    """gzip -9 with no name and no timestamp: the same file gives the same bytes."""
    return gzip.compress(body, compresslevel=9, mtime=0)


@dataclass(frozen=True)
class Asset:
    path: str  # relative to the directory, with "/": "vendor/htmx.min.js"
    body: bytes = field(repr=False)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:8]

    @cached_property
    def hashed(self) -> str:
        """`<stem>.<hash8><suffix>` beside the plain name: "vendor/htmx.min.0f1e2d3c.js"."""
        p = PurePosixPath(self.path)
        return str(p.with_name(f"{p.stem}.{self.digest}{p.suffix}"))

    @cached_property
    def media_type(self) -> str:
        return _media_type(PurePosixPath(self.path))

    @cached_property
    def gz(self) -> bytes | None:
        return gzipped(self.body) if compressible(self.media_type) else None


class Assets:
    """The files of one directory, by plain and by fingerprinted name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, Asset] = {}
        for file in sorted(directory.rglob("*")):
            relative = file.relative_to(directory)
            if file.is_file() and not any(part.startswith(".") for part in relative.parts):
                self.files[relative.as_posix()] = Asset(relative.as_posix(), file.read_bytes())
        self.hashed = {asset.hashed: asset for asset in self.files.values()}
        self.stamp = _stamp(directory)

    def url(self, name: str) -> str:
        """The fingerprinted address of static/`name`; a name not there is a template's bug."""
        asset = self.files.get(name)
        if asset is None:
            raise LookupError(f"static/{name} does not exist")
        return f"/static/{asset.hashed}"

    def find(self, name: str) -> tuple[Asset, bool] | None:
        """The file at /static/`name`, and whether that name is fingerprinted (immutable)."""
        if asset := self.hashed.get(name):
            return asset, True
        if asset := self.files.get(name):
            return asset, False
        return None

    def manifest(self) -> dict[str, str]:
        return {path: asset.hashed for path, asset in self.files.items()}


def _stamp(directory: Path) -> tuple[int, int]:
    """What changes when a file there is added, removed or edited."""
    times = [f.stat().st_mtime_ns for f in directory.rglob("*")]
    return len(times), max(times, default=0)


_current: Assets | None = None
_checked = 0.0


def current() -> Assets:
    """The app's static files (static/ of the checkout)."""
    global _current, _checked
    if _current is None:
        _current, _checked = Assets(DIRECTORY), time.monotonic()
    elif not get_settings().production and time.monotonic() - _checked > 1:
        _checked = time.monotonic()
        if _stamp(DIRECTORY) != _current.stamp:
            _current = Assets(DIRECTORY)
    return _current


def static_url(name: str) -> str:
    """`{{ static_url("site.css") }}` in a template: "/static/site.1a2b3c4d.css"."""
    return current().url(name)


def answer(name: str, headers: Headers, *, head: bool = False) -> ASGIResponse:
    """The file at /static/`name`: a fingerprinted name immutable, gzip when accepted, 304
    when the client has it."""
    found = current().find(name.lstrip("/"))
    if found is None:
        raise NotFoundException()
    asset, immutable = found
    body, etag = asset.body, f'"{asset.digest}"'
    meta = {"Cache-Control": IMMUTABLE if immutable else PLAIN}
    if asset.gz is not None:
        meta["Vary"] = "Accept-Encoding"
        if accepts_gzip(headers.get("accept-encoding", "")):
            body, etag = asset.gz, f'"{asset.digest}-gzip"'
            meta["Content-Encoding"] = "gzip"
    meta["ETag"] = etag
    if etag_matches(etag, headers.get("if-none-match", "")):
        meta.pop("Content-Encoding", None)
        return ASGIResponse(status_code=304, headers=meta, media_type=asset.media_type)
    if head:  # what a GET would say, with no body (Litestar leaves both out of a HEAD)
        text = asset.media_type.startswith("text/")
        meta["Content-Type"] = f"{asset.media_type}; charset=utf-8" if text else asset.media_type
        meta["Content-Length"] = str(len(body))
    return ASGIResponse(
        body=b"" if head else body,
        headers=meta,
        media_type=asset.media_type,
        is_head_response=head,
        content_length=len(body),
    )


# No session, sign-in, CSRF or language to read: the middleware skip these (app.py).
_SKIP = {"exclude_from_auth": True, "exclude_from_csrf": True, "skip_session": True}


@route("/static/{file_path:path}", http_method=["GET", "HEAD"], opt=_SKIP, include_in_schema=False)
async def static_file(request: Request, file_path: FromPath[str]) -> ASGIResponse:
    return answer(file_path, request.headers, head=request.method == "HEAD")
