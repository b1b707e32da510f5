"""Secrets never reach a log line: ticket links, API tokens, device codes, bearer headers.

Uvicorn's access log writes every request's path and query at INFO: `/tickets/<token>` is
an attendee's private link, and a device link's `?code=` signs a phone in. Whoever reads
the logs (a host's log service, a support ticket with a pasted excerpt) must not get them.

`install()` swaps in a log record factory, so every record of every logger (uvicorn's,
Litestar's, ours, the mail worker's, libraries') is redacted when it is made, before any
filter or handler sees it: a filter on chosen loggers would miss the records their child
loggers propagate, and handlers configured later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

MARK = "[redacted]"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # the attendee's private link, its files and its API: /tickets/<token>, /api/tickets/<token>
    (re.compile(r"(/tickets/)[^/?#\s\"'<>]+"), rf"\g<1>{MARK}"),
    # a team invitation's link: /team-invitation/<token>
    (re.compile(r"(/team-invitation/)[^/?#\s\"'<>]+"), rf"\g<1>{MARK}"),
    # secrets in a query string or a form: ?token=..., &code=...
    (
        re.compile(r"(?i)(\b(?:token|code|secret|password|_csrf_token)=)[^&#\s\"'<>]+"),
        rf"\g<1>{MARK}",
    ),
    # API tokens (fm_), device codes (fmd_) and team invitations (fmt_) wherever they stand
    (re.compile(r"\b(fm[dt]?_)[A-Za-z0-9_-]{16,}"), rf"\g<1>{MARK}"),
    # an Authorization header, as a header line or in a dict's repr
    (re.compile(r"(?i)(\bbearer\s+)[^\s\"',]+"), rf"\g<1>{MARK}"),
]


def redact(text: str) -> str:
    """The text with every secret replaced by MARK."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (int, float)):
        return value  # %d and %f need numbers: they hold no secret
    text = str(value)  # a URL, a request, a header list...
    safe = redact(text)
    return value if safe == text else safe


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record's message, its arguments (each in place: uvicorn's access formatter
    unpacks them), its traceback and its stack."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {k: _redact_arg(v) for k, v in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_redact_arg(a) for a in record.args)
    if record.exc_info and not record.exc_text:
        # Formatters print exc_text when it is set: an exception's text may quote a URL.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFactory:
    """A log record factory that redacts each record it makes."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.inner(*args, **kwargs))


def install() -> None:
    """Redact every log record this process makes from now on (a second call does nothing)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, RedactingFactory):
        logging.setLogRecordFactory(RedactingFactory(current))
