"""Browser security headers on every response: pages, API, static files, errors, routing 404s.

A Litestar `before_send` hook, so it also sees the responses no middleware does (routing
errors). What depends on the path (private pages, the scanner's camera) is decided in
RULES below and nowhere else; handlers set none of these headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def security_headers(*, production: bool):
    """The `before_send` hook: HSTS only in production, where the site is served over TLS."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        rule = rule_for(scope["path"])
        ours = [
            (b"content-security-policy", _CSP),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", rule.referrer.encode()),
            (b"permissions-policy", rule.permissions.encode()),
        ]
        if rule.no_store:
            ours.append((b"cache-control", b"no-store"))
        if rule.worker_scope:
            ours.append((b"service-worker-allowed", rule.worker_scope.encode()))
        if production:
            ours.append((b"strict-transport-security", _HSTS))
        # One pass: the handler's own values of these headers go, ours are added (setting
        # them one by one through MutableScopeHeaders decoded every header each time).
        names = {name for name, _value in ours}
        headers = [h for h in message.get("headers", ()) if bytes(h[0]).lower() not in names]
        message["headers"] = headers + ours

    return before_send


_CSP = CSP.encode()
_HSTS = HSTS.encode()
