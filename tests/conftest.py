"""One database for the run (a temp SQLite file, or the PostgreSQL DATABASE_URL), built by
the real migrations; every test starts from empty tables.

Under pytest-xdist (`make test` runs a worker per core) each worker is its own process with
its own temp SQLite file; on PostgreSQL each worker gets its own database, named after
DATABASE_URL's with the worker's id appended (`..._test_gw1`), made at start and dropped at
the end."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="forum-mgmt-test-"))
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# A worker inherits the environment of the process that started it, this file's defaults
# included: the defaults are marked, so that each worker takes its own instead.
if _WORKER and os.environ.get("FORUM_MGMT_TEST_DEFAULTS") == "1":
    del os.environ["DATABASE_URL"], os.environ["FORUM_MGMT_DATA"]
if "DATABASE_URL" not in os.environ:
    os.environ["FORUM_MGMT_TEST_DEFAULTS"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.sqlite'}"
os.environ["FORUM_MGMT_DATA"] = str(_TMP / "data")  # outbox, keys, file stores: per process


async def _postgres(dsn: str, statement: str) -> None:
    import asyncpg

    server = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres")
    try:
        await server.execute(statement)
    finally:
        await server.close()


if _WORKER and os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    _SHARED_URL = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = f"{_SHARED_URL}_{_WORKER}"
    _NAME = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    asyncio.run(_postgres(_SHARED_URL, f'DROP DATABASE IF EXISTS "{_NAME}" WITH (FORCE)'))
    asyncio.run(_postgres(_SHARED_URL, f'CREATE DATABASE "{_NAME}"'))

import httpx  # noqa: E402
import pytest  # noqa: E402

from forum_mgmt.core import db  # noqa: E402
from forum_mgmt.core.stores import get_store  # noqa: E402

DATABASE_URL = os.environ["DATABASE_URL"]
IS_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
# Children first, so that RESTRICT foreign keys never refuse the clean-up.
TABLES = [
    "invitation",
    "group_code",
    "pending_notice",
    "notice_opt_out",
    "device_code",
    "checkin",
    "ticket",
    "outbox",
    "booking",
    "device_star",
    "registration",
    "question",
    "category",
    "counter",
    "access_entry",
    "team_event",
    "team_invitation",
    "privacy_notice",
    "forum_key",
    "agenda_change",
    "session_speaker",
    "agenda_session",
    "speaker",
    "track",
    "room",
    "forum_role",
    "membership",
    "forum",
    "organisation",
    "api_token",
    "piccolo_user",
]


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgresql://...")
    for item in items:
        if "postgres" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip)


async def reset_schema() -> None:
    """An empty database: drop everything, then run every migration from the start."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    engine = db.engine()
    if IS_POSTGRES:
        name = DATABASE_URL.rsplit("/", 1)[-1]
        assert "test" in name, f"refusing to wipe {name!r}: a test database's name has 'test'"
        await engine.run_ddl("DROP SCHEMA public CASCADE")
        await engine.run_ddl("CREATE SCHEMA public")
    else:
        path = Path(DATABASE_URL.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    result = await run_forwards(app_name="all")
    assert result.success, result.message


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    await reset_schema()
    await db.open_pool()
    yield
    await db.close_pool()
    if _WORKER and IS_POSTGRES:  # this worker's own database (see the top of this file)
        name = DATABASE_URL.rsplit("/", 1)[-1]
        await _postgres(DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def bookings_count() -> None:
    """What create_app installs as a process starts, for tests that edit sessions through
    the agenda's services without an app."""
    from forum_mgmt.agenda import services as agenda
    from forum_mgmt.notices import services as notices
    from forum_mgmt.registration import services as registration

    agenda.register_bookings_count(registration.bookings_of)
    agenda.register_audience(registration.expected_of)
    notices.install()  # a changed session's people are told (agenda watcher, mail producer)


@pytest.fixture(autouse=True)
async def empty_tables(database) -> AsyncIterator[None]:
    yield
    engine = db.engine()
    if IS_POSTGRES:
        await engine.run_ddl(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        for table in TABLES:
            await engine.run_ddl(f'DELETE FROM "{table}"')  # noqa: S608 - our table names
    await get_store("login-failures").delete_all()
    await get_store("signups").delete_all()


@pytest.fixture
def app():
    from forum_mgmt.app import create_app

    return create_app()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    # Same event loop as the test (unlike Litestar's TestClient), so the pool is shared.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"accept": "text/html"}
    ) as c:
        yield c


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.queries: list[str] = []


@pytest.fixture
def count_queries(monkeypatch) -> QueryCounter:
    """Counts the SQL statements the app sends, at the engine: no query escapes it."""
    engine_class = type(db.engine())  # the engines use __slots__: patch the class
    counter = QueryCounter()
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool: bool = True):
        counter.count += 1
        counter.queries.append(str(querystring))
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    pool_fetch = db._pool_fetch  # db.fetch's statements straight to asyncpg's pool

    async def counting_pool_fetch(engine, sql: str, args: tuple):
        counter.count += 1
        counter.queries.append(sql)
        return await pool_fetch(engine, sql, args)

    monkeypatch.setattr(db, "_pool_fetch", counting_pool_fetch)
    return counter


async def csrf_token(client: httpx.AsyncClient) -> str:
    """What a browser has after loading a page with a form: the CSRF cookie, to echo back."""
    if "csrftoken" not in client.cookies:
        await client.get("/login")
    return client.cookies["csrftoken"]


async def sign_in(client: httpx.AsyncClient, username: str, password: str = "secret-pass-2026"):  # noqa: S107
    token = await csrf_token(client)
    return await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": token},
    )
