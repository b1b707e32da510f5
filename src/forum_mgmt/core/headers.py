"""Browser security headers on every response: pages, API, static files, errors, routing 404s.

A Litestar `before_send` hook, so it also sees the responses no middleware does (routing
errors). What depends on the path (private pages, the scanner's camera) is decided in
RULES below and nowhere else; handlers set none of these headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from litestar.types import Message, Scope

# Scripts and styles from our own origin only: no inline script, no inline style, no eval
# (templates keep scripts in static/, htmx is told not to inject its indicator <style>).
# Speaker photos are addresses organisers type in, on any host: any https image, but no
# plain http (mixed content on the real site) and no data: (nothing of ours needs it).
CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_FEATURES = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]


def _permissions(**allowed: str) -> str:
    return ", ".join(f"{f}=({allowed.get(f, '')})" for f in _FEATURES)


PERMISSIONS = _permissions()
SCANNER_PERMISSIONS = _permissions(camera="self")
REFERRER = "strict-origin-when-cross-origin"
HSTS = "max-age=31536000; includeSubDomains"


@dataclass(frozen=True)
class Rule:
    referrer: str = REFERRER
    permissions: str = PERMISSIONS
    no_store: bool = False  # replaces the handler's Cache-Control
    worker_scope: str = ""  # a service worker script allowed to control this path


_PRIVATE = Rule(no_store=True)
_SECRET_URL = Rule(referrer="no-referrer", no_store=True)  # the address itself is the key

# First match wins; a path matching none gets Rule().
RULES: list[tuple[re.Pattern[str], Rule]] = [
    # The personal calendar feed keeps its own caching: its owner's calendar app stores it.
    (re.compile(r"^/tickets/[^/]+/agenda\.ics$"), Rule(referrer="no-referrer")),
    (re.compile(r"^/(api/)?tickets/"), _SECRET_URL),
    (re.compile(r"^/checkin/[^/]+/?$"), Rule("no-referrer", SCANNER_PERMISSIONS, no_store=True)),
    # The scanner's service worker (same origin, as the CSP wants) serves /checkin/{slug}
    # offline; it keeps its own copy, so the page's no-store stays.
    (re.compile(r"^/static/checkin-sw\.js$"), Rule(worker_scope="/checkin/")),
    (re.compile(r"^/checkin/"), _SECRET_URL),  # the device link carries a token
    (re.compile(r"^/manage/tokens/[^/]+/device-link"), _SECRET_URL),  # shows a one-time code
    (re.compile(r"^/manage(/|$)"), _PRIVATE),
    (re.compile(r"^/(login|logout)$"), _PRIVATE),
    (re.compile(r"^/api/forums/[^/]+/(checkin|registrations)"), _PRIVATE),
]


def rule_for(path: str) -> Rule:
    return next((rule for pattern, rule in RULES if pattern.match(path)), Rule())


_SHARED = re.compile(r"\s*public\s*")


def _private_if_cookie(headers: list) -> list:
    """A response that sets a cookie is never kept by a shared cache: it is made `private`
    unless it already is (or is `no-store`). Public pages, feeds, 304s and static files set
    none for a visitor (accounts/auth.py: csrf_only_with_cookies); a signed-in person's
    session cookie or a language chosen by ?lang= lands here. `headers`: the raw pairs."""
    if not any(name.lower() == b"set-cookie" for name, _value in headers):
        return headers
    control = b", ".join(v for n, v in headers if n.lower() == b"cache-control").decode("latin-1")
    directives = [d for d in control.split(",") if d.strip()]
    names = {d.strip().split("=")[0].lower() for d in directives}
    if names & {"private", "no-store"}:
        return headers
    kept = [d.strip() for d in directives if not _SHARED.fullmatch(d)]
    value = ", ".join(["private", *kept]).encode("latin-1")
    return [(n, v) for n, v in headers if n.lower() != b"cache-control"] + [
        (b"cache-control", value)
    ]


@lru_cache(maxsize=64)
def _headers_of(rule: Rule, *, production: bool) -> tuple[frozenset[bytes], tuple]:
    """The headers a rule sets, as the names they replace and the (name, value) pairs."""
    pairs = [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", rule.referrer),
        ("permissions-policy", rule.permissions),
    ]
    if rule.no_store:
        pairs.append(("cache-control", "no-store"))
    if rule.worker_scope:
        pairs.append(("service-worker-allowed", rule.worker_scope))
    if production:
        pairs.append(("strict-transport-security", HSTS))
    encoded = tuple((name.encode(), value.encode("latin-1")) for name, value in pairs)
    return frozenset(name for name, _value in encoded), encoded


# What a 304 carries (RFC 9110 15.4.5: the fields a cache refreshes its stored response
# with): the stored 200 keeps its own CSP and the rest, which a 304 need not repeat; feeds
# and pages are revalidated far more often than fetched. A cookie still goes (privately).
_REFRESHED = frozenset(
    {b"cache-control", b"content-location", b"date", b"etag", b"expires", b"vary"}
    | {b"set-cookie", b"service-worker-allowed"}
)


def _not_modified(headers, production: bool) -> list:
    kept = [(n, v) for n, v in headers if n.lower() in _REFRESHED]
    if production:
        kept.append((b"strict-transport-security", HSTS.encode()))
    return _private_if_cookie(kept)


def security_headers(*, production: bool):
    """The `before_send` hook: HSTS only in production, where the site is served over TLS.
    Each header replaces any the handler set; the lists are built once per rule (every
    response passes here, the cached reads at several thousand a second)."""
    rule_of = lru_cache(maxsize=1024)(rule_for)  # public pages: a few paths, asked often

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        if message["status"] == 304:
            message["headers"] = _not_modified(message.get("headers", ()), production)
            return
        names, pairs = _headers_of(rule_of(scope["path"]), production=production)
        kept = [h for h in message.get("headers", ()) if h[0].lower() not in names]
        message["headers"] = _private_if_cookie([*kept, *pairs])

    return before_send
