"""Server-side sessions that cost nothing for anonymous visitors, and a new id at each sign-in.

Litestar's backend stores an empty session, and sets its cookie, on every response. A
public page read by thousands would then write to the store each time; here a session is
stored only once it holds something, and cleared when it had a cookie and is emptied.

Litestar also keeps whatever session id the browser sent, even when someone signs in: an
id planted in a browser beforehand would become a signed-in session its planter knows
(session fixation). `renew()` stores the new session under a fresh id and deletes the old.

When the store cannot be reached (Redis down), a request with a session cookie goes on as
anonymous and its cookie is left alone, so public pages keep working; `unavailable()` tells
the error handler to answer a page that needs the sign-in with a 503 rather than a sign-in
form, and signing in or out raises `StoreUnavailable` (503) rather than pretending.
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
from litestar.utils.scope.state import ScopeState

from forum_mgmt.core import stores

_RENEW = "forum_mgmt.renew_session"
_END = "forum_mgmt.end_session"
_NEW_ID = "forum_mgmt.new_session_id"
_DOWN = "forum_mgmt.session_store_down"
_FAILED = "forum_mgmt.session_store_failed"


def renew(connection: ASGIConnection, data: dict[str, Any]) -> None:
    """Replace the session with `data` under a new id; the browser's old id stops working.
    Call it whenever the person signed in changes."""
    connection.set_session(dict(data))
    connection.scope["state"][_RENEW] = True


def end(connection: ASGIConnection) -> None:
    """Sign out: the session is deleted from the store and its cookie from the browser."""
    connection.clear_session()
    connection.scope["state"][_END] = True


def unavailable(connection: ASGIConnection) -> bool:
    """Whether this request carried a session the store could not be asked about."""
    return bool(connection.scope["state"].get(_DOWN))


class LazySessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope["state"].get(_NEW_ID) or super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        try:
            return await super().load_from_connection(connection)
        except stores.UNREACHABLE:
            connection.scope["state"][_DOWN] = True
            return {}

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        state = connection.scope["state"]
        changed = state.get(_RENEW) or state.get(_END) or bool(scope_session)
        if state.get(_FAILED) or (state.get(_DOWN) and not changed):
            return  # the browser keeps its cookie for when the store is back
        try:
            await self._store(scope_session, message, connection)
        except stores.UNREACHABLE as err:
            state[_FAILED] = True
            # This response has not gone out (we were to add its cookie): Litestar's error
            # handling may still replace it, here by the 503 page, if told it has not started.
            ScopeState.from_scope(connection.scope).response_started = False
            raise stores.unavailable() from err

    async def _store(
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
