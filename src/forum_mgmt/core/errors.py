"""Domain errors: a stable code for scripts and scanners, a translated message for people."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra: dict = {}  # more members for the JSON error body
        self.headers: dict[str, str] = {}  # for the response, e.g. Retry-After with a 429


class NotFound(DomainError):
    status_code, code = 404, "not_found"


class Forbidden(DomainError):
    status_code, code = 403, "forbidden"


class Conflict(DomainError):
    status_code, code = 409, "conflict"
