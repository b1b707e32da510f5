"""Server-side sessions that cost nothing for anonymous visitors, and a new id at each sign-in.

Litestar's backend stores an empty session, and sets its cookie, on every response. A
public page read by thousands would then write to the store each time; here a session is
stored only once it holds something, and cleared when it had a cookie and is emptied.

Litestar also keeps whatever session id the browser sent, even when someone signs in: an
id planted in a browser beforehand would become a signed-in session its planter knows
(session fixation). `renew()` stores the new session under a fresh id and deletes the old.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

_RENEW = "forum_mgmt.renew_session"
_NEW_ID = "forum_mgmt.new_session_id"


def renew(connection: ASGIConnection, data: dict[str, Any]) -> None:
    """Replace the session with `data` under a new id; the browser's old id stops working.
    Call it whenever the person signed in changes."""
    connection.set_session(dict(data))
    connection.scope["state"][_RENEW] = True


def end(connection: ASGIConnection) -> None:
    """Sign out: the session is deleted from the store and its cookie from the browser."""
    connection.clear_session()


class LazySessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope["state"].get(_NEW_ID) or super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        state = connection.scope["state"]
        if state.pop(_RENEW, False):
            if old := connection.cookies.get(self.config.key):
                await self.delete(
                    old, store=self.config.get_store_from_app(connection.scope["app"])
                )
            state[_NEW_ID] = self.generate_session_id()
        if not scope_session and self.config.key not in connection.cookies:
            return
        await super().store_in_message(scope_session or {}, message, connection)


@dataclass
class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazySessionBackend
