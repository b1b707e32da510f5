"""Key-value stores for state several workers share: sessions, sign-in throttling.

Redis when REDIS_URL is set (several hosts or workers); otherwise files under the data
folder, which every worker on one host sees (memory would give each worker its own).
"""

from __future__ import annotations

from functools import cache

from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore

from forum_mgmt.core.settings import get_settings


@cache
def get_store(name: str) -> Store:
    settings = get_settings()
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace=f"forum_mgmt:{name}")
    path = settings.data_dir / "stores" / name
    path.mkdir(parents=True, exist_ok=True)
    return FileStore(path=path, create_directories=True)
