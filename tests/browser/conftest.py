"""A real server in a subprocess and Debian's Chromium driven by Playwright.

Playwright never downloads a browser here: it is pointed at the system's chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.servers import running_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(database) -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator:
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser) -> AsyncIterator:
    context = await browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = await context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    await context.close()
