"""Configuration from the environment, read once."""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
"""The checkout: templates/, static/ and locales/ live here."""

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# Set by `forum-mgmt serve` for itself and its workers: the address it listens on.
LISTEN_URL = "FORUM_MGMT_LISTEN_URL"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    secret_key: str
    base_url: str  # printed, mailed and linked
    names_url: str  # what published names (a forum's calendar UID) are derived from
    redis_url: str
    production: bool


def _secret_key(data_dir: Path, production: bool) -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if production:
        raise RuntimeError("SECRET_KEY must be set when FORUM_MGMT_ENV=production")
    # Development: generate once and keep it beside the database, never in the repo.
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: of several processes starting at once
        # (`serve --workers 2`), one key wins and every process reads that one whole.
        draft = data_dir / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


@cache
def get_settings() -> Settings:
    data_dir = Path(os.environ.get("FORUM_MGMT_DATA", ROOT / "var"))
    production = os.environ.get("FORUM_MGMT_ENV", "development") == "production"
    return Settings(
        data_dir=data_dir,
        secret_key=_secret_key(data_dir, production),
        base_url=(
            os.environ.get("BASE_URL") or os.environ.get(LISTEN_URL) or DEFAULT_BASE_URL
        ).rstrip("/"),
        # A configured address, else a fixed one: never the port a server happens to use,
        # or subscribed calendars would see a new forum after `make run PORT=8150`.
        names_url=(os.environ.get("BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        redis_url=os.environ.get("REDIS_URL", ""),
        production=production,
    )


def listen_url(host: str, port: int) -> str:
    """The address a server listening on host:port is reached at from this machine."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the any-address, not binding it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def follow_listen_address(host: str, port: int) -> None:
    """Without BASE_URL, links follow the address `forum-mgmt serve` listens on (in this
    process and the workers it starts, which inherit the environment)."""
    os.environ[LISTEN_URL] = listen_url(host, port)
    get_settings.cache_clear()
