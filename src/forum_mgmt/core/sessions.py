"""Server-side sessions that cost nothing for anonymous visitors.

Litestar's backend stores an empty session, and sets its cookie, on every response. A
public page read by thousands would then write to the store each time; here a session is
stored only once it holds something, and cleared when it had a cookie and is emptied.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession


class LazySessionBackend(ServerSideSessionBackend):
    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        if not scope_session and self.config.key not in connection.cookies:
            return
        await super().store_in_message(scope_session or {}, message, connection)


@dataclass
class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazySessionBackend
