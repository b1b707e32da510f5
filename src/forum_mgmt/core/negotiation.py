"""What a request's headers ask of a response: gzip or not, and whether the client's copy
is current. One reading for every answer that carries them: the exports and pages
(exports/services/cache.py), their replay in front of Litestar (replay.py) and the
static files (assets.py)."""

from __future__ import annotations

_REFUSED = ("q=0", "q=0.0", "q=0.00", "q=0.000")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value takes gzip (named, with a weight above 0)."""
    for part in accept_encoding.split(","):
        coding, _sep, q = part.strip().partition(";")
        if coding.strip().lower() == "gzip":
            return q.strip().replace(" ", "") not in _REFUSED
    return False


def etag_matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match value names this ETag (weakly, RFC 9110 13.1.2) or is `*`."""
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or etag in wanted
