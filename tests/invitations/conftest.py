from collections.abc import AsyncIterator

import httpx
import pytest

from tests.mail.conftest import smtp  # noqa: F401 - the real SMTP server on loopback


@pytest.fixture
async def guest(app) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser: the guest's, with no cookie of the organizer's."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"accept": "text/html"}
    ) as c:
        yield c
