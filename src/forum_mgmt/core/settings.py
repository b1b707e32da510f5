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


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    secret_key: str
    base_url: str
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
        base_url=os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        redis_url=os.environ.get("REDIS_URL", ""),
        production=production,
    )
